package dev.rerank.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.spark.TaskContext;

/**
 * A task's share of the executor's cores: its rows are cut into one contiguous slice per thread,
 * each slice goes through the shared one-thread model on its own thread, and the results are put
 * back in input order.
 *
 * <p>Why slices rather than the engine's own threads: the engine's threads split each matrix
 * multiply, and one model's loops run one caller at a time, so concurrent tasks sharing a
 * multi-threaded model would queue behind each other. Sliced, every thread runs whole batches with
 * no hand-off, and tasks never wait for one another. Results are the same either way: a row's
 * score does not depend on its batch or thread.
 */
final class TaskThreads {
    private static final AtomicInteger NAMES = new AtomicInteger();
    /** Helper threads for tasks using more than one core; created as needed, idle ones expire. */
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "rerank-spark-" + NAMES.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private TaskThreads() {}

    /**
     * The threads a task uses: {@code configured} if positive, else the task's {@code spark.task.cpus};
     * at most this executor's available processors, since more only take turns on its cores
     * ({@code --threads-per-task 5000} started hundreds of threads).
     */
    static int forThisTask(int configured) {
        TaskContext task = TaskContext.get();
        int wanted = configured > 0 ? configured : task != null ? Math.max(1, task.cpus()) : 1;
        return Math.min(wanted, Runtime.getRuntime().availableProcessors());
    }

    /**
     * {@code work} applied to up to {@code threads} contiguous slices of {@code items}, the first on
     * the calling thread; one result row per item, in input order. A failure in any slice is thrown
     * here, after the other slices are cancelled.
     */
    static <T> float[][] map(List<T> items, int threads, Function<List<T>, float[][]> work) {
        int n = items.size();
        int slices = Math.max(1, Math.min(threads, n));
        if (slices == 1) {
            return work.apply(items);
        }
        List<Future<float[][]>> others = new ArrayList<>(slices - 1);
        for (int s = 1; s < slices; s++) {
            List<T> slice = items.subList(bound(n, slices, s), bound(n, slices, s + 1));
            others.add(POOL.submit(() -> work.apply(slice)));
        }
        float[][] out = new float[n][];
        try {
            float[][] first = work.apply(items.subList(0, bound(n, slices, 1)));
            System.arraycopy(first, 0, out, 0, first.length);
            for (int s = 1; s < slices; s++) {
                float[][] rows = others.get(s - 1).get();
                System.arraycopy(rows, 0, out, bound(n, slices, s), rows.length);
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scoring (was the task killed?)", e);
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case RuntimeException r -> throw r;
                case Error err -> throw err;
                default -> throw new IllegalStateException(e.getCause());
            }
        } finally {
            for (Future<float[][]> f : others) {
                f.cancel(true);
            }
        }
    }

    private static int bound(int n, int slices, int s) {
        return (int) ((long) n * s / slices);
    }
}
