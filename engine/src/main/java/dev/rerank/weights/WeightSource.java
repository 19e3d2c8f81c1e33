package dev.rerank.weights;

import java.util.Set;

/**
 * Named tensors, read as float32 whatever their stored type. The model asks for each tensor once
 * and lays it out the way its kernels want, so a source hands out element ranges rather than whole
 * arrays: that way a weight is copied once, from the file straight into its final place.
 */
public interface WeightSource extends AutoCloseable {
    /** The tensor's type and shape, or null if the source has no tensor of that name. */
    TensorInfo info(String name);

    /** All tensor names. */
    Set<String> names();

    /** Elements [from, from + count) of the row-major tensor, converted to float, into dst. */
    void read(String name, long from, float[] dst, int dstOffset, int count);

    /** A human-readable description: the file path, or the synthetic salt. */
    String description();

    @Override
    void close();
}
