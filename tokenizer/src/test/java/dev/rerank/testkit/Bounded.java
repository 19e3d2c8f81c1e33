package dev.rerank.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a parser on one input in a worker thread with a time limit, and measures what it allocated
 * (the JDK's per-thread allocation counter), so a test can say "fails with a named error within
 * T seconds and M bytes" — and a hang fails the test instead of stalling the build.
 */
public final class Bounded {
    /** What one run did: what it threw (null if it returned), its time and allocation, or that it ran out of time. */
    public record Outcome(Throwable thrown, long nanos, long allocated, boolean timedOut) {
        public String summary() {
            return timedOut ? "still running after the time limit"
                    : (thrown == null ? "returned normally" : "threw " + thrown) + " in " + nanos / 1_000_000 + " ms, "
                    + allocated / 1024 + " KiB allocated";
        }
    }

    public interface Task {
        void run() throws Exception;
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static ExecutorService worker = newWorker();

    private Bounded() {}

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bounded-parser");
            t.setDaemon(true); // a parser stuck for good must not keep the test JVM alive
            return t;
        });
    }

    /** Runs {@code task}; past {@code limit} the worker is abandoned (it may be stuck for good) and a new one made. */
    public static synchronized Outcome run(Duration limit, Task task) {
        Future<Outcome> f = worker.submit(() -> {
            long bytes = THREADS.getCurrentThreadAllocatedBytes();
            long start = System.nanoTime();
            Throwable thrown = null;
            try {
                task.run();
            } catch (Throwable t) { // the point is to see every kind, StackOverflowError and OutOfMemoryError included
                thrown = t;
            }
            return new Outcome(thrown, System.nanoTime() - start, THREADS.getCurrentThreadAllocatedBytes() - bytes, false);
        });
        try {
            return f.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            worker.shutdownNow();
            worker = newWorker();
            return new Outcome(null, limit.toNanos(), -1, true);
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Asserts that {@code task} fails with {@code type} within ten seconds, allocating at most
     * {@code maxBytes}, with a message of at most 500 characters; returns the exception.
     */
    public static <E extends Throwable> E assertFails(Class<E> type, long maxBytes, Task task) {
        Outcome o = run(Duration.ofSeconds(10), task);
        if (!type.isInstance(o.thrown())) {
            fail("expected " + type.getSimpleName() + ", but the parser " + o.summary(), o.thrown());
        }
        assertTrue(o.allocated() <= maxBytes, "allocated " + o.allocated() + " bytes, more than " + maxBytes);
        assertTrue(o.thrown().getMessage().length() <= 500, "error message of " + o.thrown().getMessage().length() + " chars");
        return type.cast(o.thrown());
    }
}
