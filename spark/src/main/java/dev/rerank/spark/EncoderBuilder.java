package dev.rerank.spark;

/**
 * The settings both Spark model builders share. Defaults: the task's {@code spark.task.cpus}
 * threads, batches of 32, the model's own max length, 512 inputs per thread per engine call.
 */
public abstract class EncoderBuilder<B extends EncoderBuilder<B>> {
    final ModelSource source;
    int threadsPerTask;
    int batchSize = 32;
    int maxLength;
    int rowsPerCall = 512;

    EncoderBuilder(ModelSource source) {
        if (source == null) {
            throw new IllegalArgumentException("no model given");
        }
        this.source = source;
    }

    abstract B self();

    /** Threads each task runs the model on (default: the task's spark.task.cpus). */
    public B threadsPerTask(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads per task must be at least 1, got " + threads);
        }
        this.threadsPerTask = threads;
        return self();
    }

    /** Inputs per forward pass (default 32). */
    public B batchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        this.batchSize = batchSize;
        return self();
    }

    /** Longer inputs are truncated to this many tokens, as the library truncates (default: the model's limit). */
    public B maxLength(int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("max length must be positive, got " + maxLength);
        }
        this.maxLength = maxLength;
        return self();
    }

    /**
     * Inputs each thread hands the engine at once (default 512); the engine sorts them by length
     * and batches them, so more gives better-matched batches at the cost of memory.
     */
    public B rowsPerCall(int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("rows per call must be at least 1, got " + rows);
        }
        this.rowsPerCall = rows;
        return self();
    }

    Execution execution() {
        return new Execution(threadsPerTask, rowsPerCall);
    }
}
