package dev.rerank.spark;

import java.io.Serializable;

/**
 * How a task runs the model: on how many threads, and how many inputs each thread gets per engine
 * call (the engine sorts those by length and batches them; more means better-matched batches and
 * more rows held in memory at once).
 *
 * @param threadsPerTask threads per task; 0 for the task's {@code spark.task.cpus}
 * @param rowsPerCall    inputs per thread per engine call
 */
record Execution(int threadsPerTask, int rowsPerCall) implements Serializable {
    Execution {
        if (threadsPerTask < 0) {
            throw new IllegalArgumentException("threads per task must be at least 1 (or 0 for spark.task.cpus), got " + threadsPerTask);
        }
        if (rowsPerCall < 1) {
            throw new IllegalArgumentException("rows per call must be at least 1, got " + rowsPerCall);
        }
    }
}
