package dev.rerank.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The models of this JVM, one per model and settings, loaded on first use and shared by every task
 * the JVM runs, concurrently or one after another, for as long as the JVM lives.
 *
 * <p>An executor runs many tasks, each a thread of the same JVM; loading the weights per task (or
 * per row) would cost seconds and hundreds of megabytes each time. The engine's models are
 * thread-safe, and built with one thread each they take no lock at all, so concurrent tasks run
 * side by side on one copy of the weights. Tasks asking for a model that is still loading wait for
 * that load instead of starting their own.
 */
final class ModelCache {
    private static final Map<Object, Slot> MODELS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    private ModelCache() {}

    /** One model's place: filled once, by the first caller; the others wait on the monitor. */
    private static final class Slot {
        private AutoCloseable model;

        synchronized AutoCloseable get(Supplier<? extends AutoCloseable> loader) {
            if (model == null) {
                model = loader.get();
                LOADS.incrementAndGet();
            }
            return model;
        }

        synchronized void close() throws Exception {
            if (model != null) {
                model.close();
            }
        }
    }

    /**
     * The model for {@code key} (a value with equals: the model source and every setting that shapes
     * the loaded object), loading it with {@code loader} if this JVM has none yet. A failed load
     * leaves the slot empty, so the error is the same for every task that asks.
     */
    @SuppressWarnings("unchecked")
    static <M extends AutoCloseable> M get(Object key, Supplier<M> loader) {
        return (M) MODELS.computeIfAbsent(key, k -> new Slot()).get(loader);
    }

    /** How many models this JVM has loaded since it started (or since {@link #clear}). */
    static int loads() {
        return LOADS.get();
    }

    /** Closes and forgets every model (tests: to start the next check from a cold JVM). */
    static void clear() {
        for (Object key : MODELS.keySet()) {
            Slot slot = MODELS.remove(key);
            try {
                slot.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing a cached model failed: " + e.getMessage(), e);
            }
        }
        LOADS.set(0);
    }
}
