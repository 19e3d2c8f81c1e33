package dev.rerank.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splits a loop over independent tasks across a fixed set of threads; the calling thread takes the
 * first share, so one thread means no hand-off at all. Tasks never wait on other tasks, so several
 * callers can share one pool without deadlock.
 */
public final class Parallel implements AutoCloseable {
    /** A body over a contiguous range of task indices [from, to). */
    public interface RangeTask {
        void run(int from, int to);
    }

    private static final AtomicInteger POOLS = new AtomicInteger();
    private final int threads;
    private final ExecutorService pool;

    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        int id = POOLS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "rerank-" + id + "-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code task} over [0, count) in up to {@code threads} contiguous, nearly equal ranges. */
    public void forRange(int count, RangeTask task) {
        int parts = Math.min(threads, count);
        if (parts <= 1) {
            if (count > 0) {
                task.run(0, count);
            }
            return;
        }
        List<Future<?>> others = new ArrayList<>(parts - 1);
        for (int p = 1; p < parts; p++) {
            int from = (int) ((long) count * p / parts);
            int to = (int) ((long) count * (p + 1) / parts);
            others.add(pool.submit(() -> task.run(from, to)));
        }
        task.run(0, (int) ((long) count / parts));
        for (Future<?> f : others) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for worker threads", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
