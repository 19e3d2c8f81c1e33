package dev.rerank;

import dev.rerank.kernels.Parallel;
import dev.rerank.model.Encoder;
import dev.rerank.model.ModelConfig;
import dev.rerank.model.ModelException;
import dev.rerank.model.TokenBatch;
import dev.rerank.model.Workspace;
import dev.rerank.tokenizer.Encoding;
import dev.rerank.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Runs many tokenized inputs through an encoder the way both {@link CrossEncoder} and
 * {@link SentenceEncoder} want: sorted longest first so that similar lengths share a batch (and the
 * biggest buffers are made at once), each batch laid end to end without padding, results handed
 * back in input order. Owns the encoder, the worker threads and a pool of workspaces, so concurrent
 * callers share the threads but never a buffer. A sequence's result does not depend on what else is in its
 * batch: every kernel computes each row in the same order whatever the batch.
 */
final class BatchRunner implements AutoCloseable {
    /** What to compute for one batch: one row of results per sequence. */
    interface Step {
        float[][] run(TokenBatch batch, Workspace ws, Parallel parallel);
    }

    private final Encoder model;
    private final Parallel parallel;
    private final int batchSize;
    private final String owner;
    private final ConcurrentLinkedQueue<Workspace> workspaces = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    /**
     * The longest input the model and tokenizer allow together, after checking that they belong
     * together; a requested max length above it is an error.
     */
    static int lengthLimit(ModelConfig config, Tokenizer tokenizer, int requested) {
        if (tokenizer.vocabularySize() > config.vocabSize()) {
            throw new ModelException("the tokenizer has " + tokenizer.vocabularySize() + " tokens but the model's vocabulary "
                    + config.vocabSize() + ": they do not belong together");
        }
        int limit = Math.min(config.maxSequenceLength(), tokenizer.modelMaxLength());
        if (requested > limit) {
            throw new IllegalArgumentException("max length " + requested + " exceeds the model's limit of " + limit);
        }
        return limit;
    }

    /** @param owner what to call this in errors, e.g. "CrossEncoder" */
    BatchRunner(Encoder model, int threads, int batchSize, String owner) {
        this.model = model;
        try {
            this.parallel = new Parallel(threads);
        } catch (RuntimeException | Error e) {
            model.close(); // it is ours from here: free its weights now, not when the collector finds it
            throw e;
        }
        this.batchSize = batchSize;
        this.owner = owner;
    }

    float[][] run(Encoding[] inputs, Step step) {
        if (closed) {
            throw new IllegalStateException("this " + owner + " is closed");
        }
        int n = inputs.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> -inputs[i].length()));
        float[][] results = new float[n][];
        Workspace ws = workspaces.poll();
        if (ws == null) {
            ws = model.newWorkspace(parallel.threads());
        }
        try {
            for (int from = 0; from < n; from += batchSize) {
                int to = Math.min(n, from + batchSize);
                int[][] ids = new int[to - from][];
                int[][] types = new int[to - from][];
                for (int k = from; k < to; k++) {
                    ids[k - from] = inputs[order[k]].ids();
                    types[k - from] = inputs[order[k]].typeIds();
                }
                float[][] out = step.run(TokenBatch.of(ids, types), ws, parallel);
                for (int k = from; k < to; k++) {
                    results[order[k]] = out[k - from];
                }
            }
        } catch (IllegalStateException e) {
            // The worker pool refuses work once closed; say which object the caller closed.
            throw closed ? new IllegalStateException("this " + owner + " was closed while it was running") : e;
        } finally {
            workspaces.offer(ws);
        }
        return results;
    }

    int threads() {
        return parallel.threads();
    }

    /**
     * Drops the workspaces kept for the next call (a call in progress keeps its own until it ends):
     * for a caller that goes idle, so the collector can return their memory; the next call
     * allocates them again.
     */
    void releaseBuffers() {
        workspaces.clear();
    }

    /** Stops the worker threads, frees the encoder's weights and drops the buffers; later calls fail. */
    @Override
    public void close() {
        closed = true;
        parallel.close();
        model.close();
        workspaces.clear();
    }
}
