package dev.rerank.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class TaskThreadsTest {
    private static List<Integer> numbers(int n) {
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(i);
        }
        return items;
    }

    @Test
    void slicesComeBackInInputOrderFromSeveralThreads() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        for (int n : new int[] {0, 1, 2, 7, 100}) {
            float[][] out = TaskThreads.map(numbers(n), 3, slice -> {
                threads.add(Thread.currentThread().getName());
                float[][] rows = new float[slice.size()][];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = new float[] {slice.get(i) * 2};
                }
                return rows;
            });
            assertEquals(n, out.length);
            for (int i = 0; i < n; i++) {
                assertEquals(2f * i, out[i][0]);
            }
        }
        // The caller takes the first slice; pool threads the others (a finished one may take a second).
        assertTrue(threads.size() >= 2 && threads.contains(Thread.currentThread().getName()), threads.toString());
    }

    @Test
    void aFailingSliceFailsTheCallWithItsOwnException() {
        IllegalArgumentException boom = new IllegalArgumentException("slice failed");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TaskThreads.map(numbers(9), 3, slice -> {
            if (slice.contains(8)) {
                throw boom;
            }
            return new float[slice.size()][];
        }));
        assertSame(boom, e);
    }

    @Test
    void withoutATaskTheDefaultIsOneThread() {
        assertEquals(1, TaskThreads.forThisTask(0));
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(Math.min(4, cores), TaskThreads.forThisTask(4));
    }

    @Test
    void moreThreadsThanCoresAreLoweredToTheCores() {
        // --threads-per-task 5000 used to start hundreds of threads that only took turns.
        assertEquals(Runtime.getRuntime().availableProcessors(), TaskThreads.forThisTask(5000));
    }
}
