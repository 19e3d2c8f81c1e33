package dev.rerank;

import dev.rerank.kernels.Parallel;
import dev.rerank.model.Encoder;
import dev.rerank.model.ModelConfig;
import dev.rerank.model.ModelException;
import dev.rerank.weights.DType;
import dev.rerank.weights.ModelWeights;
import dev.rerank.weights.WeightSource;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What both builders ({@link CrossEncoder.Builder}, {@link SentenceEncoder.Builder}) take the same
 * way — threads, batch size, max length, the weights' precision — checked once, here, and the
 * loading of an encoder from a model directory that both do.
 */
final class EncoderSettings {
    int threads = maxThreads();
    int batchSize = 32;
    /** -1: the model's own limit. */
    int maxLength = -1;
    /** null: as stored. */
    DType weightsDtype;

    /**
     * The most worker threads a model runs: the available processors. The workers spin between
     * the loops of a forward pass, so more threads than cores only take turns, and each turn
     * stalls every other thread of the loop (1,024 threads on 2 cores made a job of minutes never finish).
     */
    static int maxThreads() {
        return Math.min(Runtime.getRuntime().availableProcessors(), Parallel.MAX_THREADS);
    }

    /** Any count from 1 to {@link Parallel#MAX_THREADS} is accepted; above {@link #maxThreads()} it is lowered to that. */
    void threads(int threads) {
        Parallel.checkThreads(threads);
        this.threads = Math.min(threads, maxThreads());
    }

    void batchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        this.batchSize = batchSize;
    }

    /** {@code least}: the special tokens every input carries. */
    void maxLength(int maxLength, int least, String what) {
        if (maxLength < least) {
            throw new IllegalArgumentException("max length must be at least " + least + " (" + what + "), got " + maxLength);
        }
        this.maxLength = maxLength;
    }

    void weightsDtype(DType dtype) {
        if (dtype != DType.F32 && dtype != DType.BF16) {
            throw new IllegalArgumentException("weights can be kept as F32 or BF16, not " + dtype);
        }
        this.weightsDtype = dtype;
    }

    /**
     * A model directory's config.json, checked to have a classification head if {@code withHead}:
     * read before anything large, so that what can be checked fails before the weights load.
     */
    ModelConfig config(Path dir, boolean withHead) {
        if (!Files.isDirectory(dir)) {
            throw new ModelException("model directory not found: " + dir);
        }
        ModelConfig config = ModelConfig.load(dir.resolve("config.json"));
        if (withHead) {
            config.requireClassifier(dir.toString());
        }
        return config;
    }

    /** The encoder of a model directory whose {@link #config} is {@code config}, with the head or without. */
    Encoder load(Path dir, ModelConfig config, boolean withHead) {
        try (WeightSource w = ModelWeights.open(dir)) {
            return Encoder.load(config, w, withHead, weightsDtype);
        }
    }
}
