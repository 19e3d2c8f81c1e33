package dev.rerank.kernels;

import dev.rerank.weights.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * 16-bit floats (IEEE binary16 "F16" and bfloat16 "BF16") as the model keeps them: stored bit
 * patterns in {@code short[]}, widened to float32 exactly where a kernel reads them. Both formats
 * are subsets of float32, so widening loses nothing and gives the same floats as converting the
 * whole tensor at load would.
 */
public final class HalfFloats {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** L 16-bit lanes: half the width of a float vector, widened lane for lane. */
    private static final VectorSpecies<Short> HALVES = VectorSpecies.of(short.class, VectorShape.forBitSize(L * Short.SIZE));
    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, S.vectorShape());
    /** F16's exponent bias is 15, float32's 127: a normal F16's exponent field moves up by 112. */
    private static final int REBIAS = 112 << 23;
    private static final int F16_MIN_NORMAL = 0x0400;
    private static final int F16_INFINITY = 0x7c00;

    private HalfFloats() {}

    /** The float a stored F16 or BF16 bit pattern stands for, exactly. */
    public static float toFloat(DType format, short bits) {
        return switch (format) {
            // bfloat16 is the top half of a float32.
            case BF16 -> Float.intBitsToFloat(bits << 16);
            case F16 -> Float.float16ToFloat(bits);
            default -> throw new IllegalArgumentException(format + " is not a 16-bit float format");
        };
    }

    /** float32 → bfloat16, rounded to nearest even (as torch does); NaN stays a (quiet) NaN. */
    public static short toBfloat16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /**
     * dst[to + i] = toFloat(format, src[from + i]) for i &lt; n, a vector of L values at a time:
     * load L shorts, sign-extend them to ints, move the bits into float32 position.
     */
    public static void widen(DType format, short[] src, int from, float[] dst, int to, int n) {
        int end = n - n % L;
        int i = 0;
        switch (format) {
            case BF16 -> {
                for (; i < end; i += L) {
                    ints(src, from + i).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, to + i);
                }
            }
            case F16 -> {
                for (; i < end; i += L) {
                    f16(ints(src, from + i)).intoArray(dst, to + i);
                }
            }
            default -> throw new IllegalArgumentException(format + " is not a 16-bit float format");
        }
        for (; i < n; i++) {
            dst[to + i] = toFloat(format, src[from + i]);
        }
    }

    private static IntVector ints(short[] src, int at) {
        return (IntVector) ShortVector.fromArray(HALVES, src, at).convertShape(VectorOperators.S2I, INTS, 0);
    }

    /**
     * IEEE half → float for sign-extended 16-bit patterns h, exact for every input:
     * normal numbers by moving the exponent and mantissa fields into float position and re-biasing
     * the exponent; subnormals (m · 2^-24) by converting m to float and scaling — only normal floats
     * are involved, since a denormal operand costs a microcode assist on many x86 cores; infinities
     * and NaNs by setting the whole float exponent field (NaN payloads kept, as Float.float16ToFloat
     * specifies). The sign is bit 15, which sign extension copied to bit 31.
     */
    private static FloatVector f16(IntVector h) {
        IntVector magnitude = h.and(0x7fff);
        IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
        IntVector subnormal = ((FloatVector) magnitude.convert(VectorOperators.I2F, 0)).mul(0x1p-24f).reinterpretAsInts();
        IntVector bits = shifted.add(REBIAS)
                .blend(subnormal, magnitude.lt(F16_MIN_NORMAL))
                .blend(shifted.or(0x7f800000), magnitude.compare(VectorOperators.GE, F16_INFINITY));
        return bits.or(h.and(0x80000000)).reinterpretAsFloats();
    }
}
