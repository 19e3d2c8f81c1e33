package dev.rerank.kernels;

import dev.rerank.weights.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * 16-bit floats (IEEE binary16 "F16" and bfloat16 "BF16") as the model keeps them: stored bit
 * patterns in native byte order, in off-heap memory (see {@link PackedMatrix}), widened to float32
 * exactly where a kernel reads them. Both formats
 * are subsets of float32, so widening loses nothing and gives the same floats as converting the
 * whole tensor at load would.
 */
public final class HalfFloats {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** L 16-bit lanes: half the width of a float vector, widened lane for lane. */
    private static final VectorSpecies<Short> HALVES = VectorSpecies.of(short.class, VectorShape.forBitSize(L * Short.SIZE));
    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, S.vectorShape());

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
     * dst[to + i] = toFloat(format, pattern i) for i &lt; n, pattern i being the 16-bit value at index
     * from + i of {@code src}. BF16: load L shorts, sign-extend to ints, shift into the top half —
     * three instructions per vector. F16: a plain loop over Float.float16ToFloat, which C2 compiles
     * to the CPU's own conversion (vcvtph2ps, 8 or 16 values an instruction); written out with the
     * Vector API instead — integer shifts for the fields plus blends for subnormals, infinities and
     * NaN — it measured 3.8 times slower per panel. (The F16 loop indexes src from {@code from}
     * directly: over a slice of src, C2 left it scalar, 7 times slower per panel.)
     */
    public static void widen(DType format, MemorySegment src, long from, float[] dst, int to, int n) {
        switch (format) {
            case BF16 -> {
                int end = n - n % L;
                int i = 0;
                for (; i < end; i += L) {
                    ints(src, from + i).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, to + i);
                }
                for (; i < n; i++) {
                    dst[to + i] = Float.intBitsToFloat(src.getAtIndex(ValueLayout.JAVA_SHORT, from + i) << 16);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    dst[to + i] = Float.float16ToFloat(src.getAtIndex(ValueLayout.JAVA_SHORT, from + i));
                }
            }
            default -> throw new IllegalArgumentException(format + " is not a 16-bit float format");
        }
    }

    private static IntVector ints(MemorySegment src, long at) {
        return (IntVector) ShortVector.fromMemorySegment(HALVES, src, 2 * at, ByteOrder.nativeOrder())
                .convertShape(VectorOperators.S2I, INTS, 0);
    }
}
