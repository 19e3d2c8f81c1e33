package dev.rerank.convert;

/**
 * Told how a conversion advances, e.g. to draw a progress bar; the default is silence.
 *
 * <p>Both steps count bytes, because bytes are what takes the time: a model's tensors differ in
 * size by a factor of thousands (the word embeddings alone are a third of a small model), so a
 * count of tensors would crawl and then jump. Each step ends with {@code done == total}.
 */
public interface ConversionProgress {
    ConversionProgress NONE = (step, done, total) -> {};

    /** What is being counted. */
    enum Step {
        /** Bytes of the source files (checkpoint, shards, ONNX export or safetensors) read and unpacked. */
        READING,
        /** Bytes of the new safetensors file written. */
        WRITING
    }

    /** {@code done} of {@code total} bytes of {@code step} are through; {@code done} never decreases within a step. */
    void update(Step step, long done, long total);
}
