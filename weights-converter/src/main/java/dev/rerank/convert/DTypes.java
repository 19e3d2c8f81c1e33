package dev.rerank.convert;

import dev.rerank.kernels.HalfFloats;
import dev.rerank.weights.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Changes between F32, F16 and BF16, rounding to nearest even; other types pass through unchanged. */
final class DTypes {
    private DTypes() {}

    static boolean isFloat(DType t) {
        return t == DType.F32 || t == DType.F16 || t == DType.BF16;
    }

    static Tensor convert(Tensor t, DType target) {
        if (t.dtype() == target || !isFloat(t.dtype())) {
            return t;
        }
        ByteBuffer in = ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN);
        int n = t.data().length / t.dtype().bytes;
        ByteBuffer out = ByteBuffer.allocate(n * target.bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            float v = switch (t.dtype()) {
                case F32 -> in.getFloat(4 * i);
                case F16 -> Float.float16ToFloat(in.getShort(2 * i));
                default -> Float.intBitsToFloat(in.getShort(2 * i) << 16);
            };
            switch (target) {
                case F32 -> out.putFloat(4 * i, v);
                case F16 -> out.putShort(2 * i, Float.floatToFloat16(v));
                default -> out.putShort(2 * i, toBfloat16(v));
            }
        }
        return new Tensor(t.name(), target, t.shape(), out.array());
    }

    /** float32 → bfloat16, round to nearest even; NaN stays a (quiet) NaN. */
    static short toBfloat16(float v) {
        return HalfFloats.toBfloat16(v);
    }
}
