package dev.rerank.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Splits a loop over independent tasks across a fixed set of threads, the calling thread among
 * them; with one thread the caller runs the whole loop and nothing is handed off.
 *
 * <p>A forward pass hands out dozens of short loops in quick succession (each matrix multiply,
 * attention, GELU, LayerNorm), so the hand-off itself must be cheap. Waking a parked thread took
 * about 90 µs on the virtual machines this was measured on — more than many of the loops take to
 * run — so the workers spin for a short while (50 µs) after each loop, waiting for the next one,
 * and only then park. Within a forward pass the next loop nearly always comes sooner; between
 * requests the spin costs little, and a longer one measured no faster while taking CPU from the
 * threads that parse and tokenize requests. The caller likewise spins while it waits.
 *
 * <p>The range is handed out in small chunks that every thread, the caller included, takes from
 * one counter until none are left, rather than in one fixed share per thread: on a shared machine
 * a thread can lose its core for milliseconds, and with fixed shares everyone else would wait for
 * it. Which thread runs a chunk never changes a result, since every index is computed on its own.
 *
 * <p>Callers on several threads may share one instance: their loops run one after another, each on
 * all the threads. A task must not call {@link #forRange} itself from a worker thread (it would run
 * inline there, on that one thread).
 */
public final class Parallel implements AutoCloseable {
    /** A body over a contiguous range of task indices [from, to). */
    public interface RangeTask {
        void run(int from, int to);
    }

    /** How long an idle thread keeps checking for new work before it parks. */
    private static final long SPIN_NANOS = 50_000;
    /** Chunks per thread: enough to even out a slow thread, few enough that taking one costs nothing. */
    private static final int CHUNKS_PER_THREAD = 8;
    private static final AtomicInteger POOLS = new AtomicInteger();
    /**
     * Most threads one instance may start. Past the cores, more threads only take turns, and each
     * costs a stack and a workspace; a mistyped count (10^9) would otherwise start threads until
     * the JVM runs out of memory. Generous enough for any machine this runs on.
     */
    public static final int MAX_THREADS = 1024;

    private final int threads;
    private final Worker[] workers;
    private final ReentrantLock oneLoopAtATime = new ReentrantLock();
    private final AtomicInteger unfinished = new AtomicInteger();
    private final AtomicInteger nextChunk = new AtomicInteger();

    // The loop being run. Written by the caller before it bumps `generation` (a volatile write),
    // read by the workers after they see the new generation: that orders the plain fields.
    private RangeTask task;
    private int count;
    private int chunk;
    private volatile long generation;
    private volatile Throwable failure;
    private volatile boolean closed;

    public Parallel(int threads) {
        checkThreads(threads);
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        int id = POOLS.incrementAndGet();
        for (int w = 0; w < workers.length; w++) {
            workers[w] = new Worker("rerank-" + id + "-worker-" + (w + 1));
            workers[w].start();
        }
    }

    /**
     * Fails unless {@code threads} is between 1 and {@link #MAX_THREADS}: the one check every
     * entry point (builder, command line) uses, so the bound lives here.
     */
    public static void checkThreads(int threads) {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads must be between 1 and " + MAX_THREADS + ", got " + threads);
        }
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code task} over [0, count), in contiguous ranges spread over the threads. */
    public void forRange(int count, RangeTask task) {
        if (threads == 1 || count <= 1 || Thread.currentThread() instanceof Worker) {
            if (count > 0) {
                task.run(0, count);
            }
            return;
        }
        oneLoopAtATime.lock();
        try {
            if (closed) {
                throw new IllegalStateException("this Parallel is closed");
            }
            this.task = task;
            this.count = count;
            this.chunk = Math.max(1, count / (threads * CHUNKS_PER_THREAD));
            nextChunk.set(0);
            failure = null;
            unfinished.set(workers.length);
            generation++;
            for (Worker w : workers) {
                if (w.parked) {
                    LockSupport.unpark(w);
                }
            }
            runChunks();
            awaitWorkers();
            this.task = null;
            Throwable t = failure;
            if (t != null) {
                if (t instanceof RuntimeException re) {
                    throw re;
                }
                if (t instanceof Error e) {
                    throw e;
                }
                throw new IllegalStateException(t);
            }
        } finally {
            oneLoopAtATime.unlock();
        }
    }

    /** Takes chunks of the current loop until none are left; a failure ends the loop for every thread. */
    private void runChunks() {
        int from;
        while ((from = nextChunk.getAndAdd(chunk)) < count) {
            try {
                task.run(from, Math.min(count, from + chunk));
            } catch (Throwable t) {
                failure = t;
                nextChunk.set(count);
            }
        }
    }

    private void awaitWorkers() {
        long start = System.nanoTime();
        while (unfinished.get() > 0) {
            if (System.nanoTime() - start < SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(20_000); // a worker was descheduled: stop burning its core
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }

    private final class Worker extends Thread {
        private volatile boolean parked;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                long g = awaitNextLoop(seen);
                if (g == seen) {
                    return; // closed
                }
                seen = g;
                runChunks();
                unfinished.decrementAndGet();
            }
        }

        /** The next generation after {@code seen}, or {@code seen} itself once the pool is closed. */
        private long awaitNextLoop(long seen) {
            long start = System.nanoTime();
            while (generation == seen && !closed) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                // Announce the park, then look again: a caller that bumped the generation before
                // seeing `parked` is seen here; one that bumps it after will unpark us.
                parked = true;
                if (generation == seen && !closed) {
                    LockSupport.park(this);
                }
                parked = false;
                start = System.nanoTime();
            }
            return closed && generation == seen ? seen : generation;
        }
    }
}
