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

    /**
     * Elements [from, from + count) of an F16 or BF16 tensor as stored: its 16-bit patterns, for a
     * model that keeps them 16-bit. This default reads floats and narrows them back, which is exact
     * since the floats were widened from those very patterns; a file-backed source copies directly.
     */
    default void readHalves(String name, long from, short[] dst, int dstOffset, int count) {
        TensorInfo info = info(name);
        if (info == null || (info.dtype() != DType.F16 && info.dtype() != DType.BF16)) {
            throw new WeightsException(description() + ": tensor " + name + " is "
                    + (info == null ? "missing" : info.dtype() + ", not a 16-bit float"));
        }
        float[] values = new float[count];
        read(name, from, values, 0, count);
        for (int i = 0; i < count; i++) {
            dst[dstOffset + i] = info.dtype() == DType.F16
                    ? Float.floatToFloat16(values[i])
                    : (short) (Float.floatToRawIntBits(values[i]) >>> 16);
        }
    }

    /** A human-readable description: the file path, or the synthetic salt. */
    String description();

    @Override
    void close();
}
