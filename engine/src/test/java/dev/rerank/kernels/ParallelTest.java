package dev.rerank.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rerank.CrossEncoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParallelTest {
    @Test
    void absurdThreadCountsAreRefusedBeforeAnyThreadStarts() {
        // --threads 1000000000 used to start threads until the JVM ran out of memory.
        for (int n : new int[] {1_000_000_000, Parallel.MAX_THREADS + 1, 0, -1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CrossEncoder.builder(Path.of("unused")).threads(n));
            assertEquals("threads must be between 1 and 1024, got " + n, e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new Parallel(n).close());
        }
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2, 3})
    void everyIndexRunsExactlyOnce(int threads) {
        try (Parallel parallel = new Parallel(threads)) {
            for (int count : new int[] {0, 1, 2, 3, 5, 100, 1001}) {
                for (int round = 0; round < 50; round++) { // back to back, as in a forward pass
                    AtomicIntegerArray hits = new AtomicIntegerArray(count);
                    parallel.forRange(count, (from, to) -> {
                        for (int i = from; i < to; i++) {
                            hits.incrementAndGet(i);
                        }
                    });
                    for (int i = 0; i < count; i++) {
                        assertEquals(1, hits.get(i), "index " + i + " of " + count);
                    }
                }
            }
        }
    }

    @Test
    void aFailureInAnyShareReachesTheCaller() {
        try (Parallel parallel = new Parallel(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> parallel.forRange(10, (from, to) -> {
                if (to == 10) { // the last chunk, whichever thread takes it
                    throw new IllegalStateException("boom in " + from + ".." + to);
                }
            }));
            assertEquals("boom in 9..10", e.getMessage());
            // and the pool still works afterwards
            AtomicIntegerArray hits = new AtomicIntegerArray(10);
            parallel.forRange(10, (from, to) -> {
                for (int i = from; i < to; i++) {
                    hits.incrementAndGet(i);
                }
            });
            for (int i = 0; i < 10; i++) {
                assertEquals(1, hits.get(i));
            }
        }
    }

    @Test
    void aStalledThreadDoesNotHoldBackTheRest() {
        // Index 0 cannot finish until every other index has: with one fixed share per thread, the
        // thread holding index 0 would also hold 1..7 and this would never finish.
        int count = 16;
        CountDownLatch othersDone = new CountDownLatch(count - 1);
        try (Parallel parallel = new Parallel(2)) {
            parallel.forRange(count, (from, to) -> {
                for (int i = from; i < to; i++) {
                    if (i == 0) {
                        try {
                            if (!othersDone.await(30, TimeUnit.SECONDS)) {
                                throw new IllegalStateException("the other indices never ran");
                            }
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    } else {
                        othersDone.countDown();
                    }
                }
            });
        }
        assertEquals(0, othersDone.getCount());
    }

    @Test
    void callersOnSeveralThreadsShareOnePool() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try (Parallel parallel = new Parallel(2)) {
            List<Future<Long>> sums = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                int seed = c;
                sums.add(callers.submit(() -> {
                    long total = 0;
                    for (int round = 0; round < 300; round++) {
                        long[] parts = new long[64];
                        parallel.forRange(64, (from, to) -> {
                            for (int i = from; i < to; i++) {
                                parts[i] = (long) i * seed;
                            }
                        });
                        for (long p : parts) {
                            total += p;
                        }
                    }
                    return total;
                }));
            }
            for (int c = 0; c < 4; c++) {
                assertEquals(300L * c * (63 * 64 / 2), sums.get(c).get().longValue(), "caller " + c);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aClosedPoolRefusesWork() {
        Parallel parallel = new Parallel(2);
        parallel.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> parallel.forRange(4, (from, to) -> { }));
        assertEquals("this Parallel is closed", e.getMessage());
    }
}
