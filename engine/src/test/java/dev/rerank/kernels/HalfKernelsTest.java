package dev.rerank.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rerank.weights.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * 16-bit weights against plain scalar Java: widening every one of the 65,536 patterns of each
 * format, and the matrix multiply on F16 / BF16 weights bit for bit equal to the float32 multiply
 * on the same values. Shapes come from the vector length, so each width the build runs (512, 256,
 * 128 bits) meets full vectors, tails, full and partial tiles and panels.
 */
class HalfKernelsTest {
    private static final int L = FloatVector.SPECIES_PREFERRED.length();
    private static final SplittableRandom RANDOM = new SplittableRandom(7);
    private static Parallel two;
    private static Parallel one;

    @BeforeAll
    static void pools() {
        two = new Parallel(2);
        one = new Parallel(1);
    }

    @AfterAll
    static void close() {
        two.close();
        one.close();
    }

    /** The plain-Java meaning of each format: BF16 is a float's top half; F16 as Float.float16ToFloat. */
    private static float scalar(DType format, short bits) {
        return format == DType.BF16 ? Float.intBitsToFloat(bits << 16) : Float.float16ToFloat(bits);
    }

    /** The patterns in off-heap memory, where the model keeps them. */
    static MemorySegment offHeap(short[] patterns) {
        MemorySegment m = Arena.ofAuto().allocate(2L * patterns.length, 64);
        MemorySegment.copy(patterns, 0, m, ValueLayout.JAVA_SHORT, 0, patterns.length);
        return m;
    }

    private static void assertSameFloat(float want, float got, String where) {
        if (Float.isNaN(want)) {
            assertTrue(Float.isNaN(got), where + ": NaN widened to " + got);
        } else {
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got),
                    where + ": want " + want + ", got " + got);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F16", "BF16"})
    void widensEveryPatternExactly(DType format) {
        short[] all = new short[65536];
        for (int i = 0; i < all.length; i++) {
            all[i] = (short) i;
        }
        // Offsets and lengths that start mid-vector and end in a scalar tail.
        for (int from : new int[] {0, 1, L - 1}) {
            int n = all.length - from - (L > 1 ? 1 : 0);
            float[] out = new float[n + 3];
            HalfFloats.widen(format, offHeap(all), from, out, 3, n);
            for (int i = 0; i < n; i++) {
                short bits = all[from + i];
                assertSameFloat(scalar(format, bits), out[3 + i], format + " pattern 0x" + Integer.toHexString(bits & 0xffff));
                assertSameFloat(scalar(format, bits), HalfFloats.toFloat(format, bits), "scalar toFloat");
            }
        }
    }

    @Test
    void f16SpecialValuesKeepTheirMeaning() {
        short[] bits = {0x0000, (short) 0x8000, 0x0001, (short) 0x83ff, 0x0400, 0x3c00, 0x7bff, 0x7c00, (short) 0xfc00,
            0x7e00, 0x7c01};
        float[] want = {0f, -0f, 0x1p-24f, -0x3ffp-24f, 0x1p-14f, 1f, 65504f, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.NaN, Float.NaN};
        float[] got = new float[bits.length];
        HalfFloats.widen(DType.F16, offHeap(bits), 0, got, 0, bits.length);
        for (int i = 0; i < bits.length; i++) {
            assertSameFloat(want[i], got[i], "0x" + Integer.toHexString(bits[i] & 0xffff));
        }
    }

    @Test
    void bfloat16RoundsToNearestEven() {
        // Halfway cases go to the even neighbour; anything past halfway rounds away.
        assertEquals(0x3f80, HalfFloats.toBfloat16(Float.intBitsToFloat(0x3f808000)) & 0xffff);
        assertEquals(0x3f82, HalfFloats.toBfloat16(Float.intBitsToFloat(0x3f818000)) & 0xffff);
        assertEquals(0x3f81, HalfFloats.toBfloat16(Float.intBitsToFloat(0x3f808001)) & 0xffff);
        assertEquals(0x7f80, HalfFloats.toBfloat16(Float.MAX_VALUE) & 0xffff, "overflow rounds to infinity");
        assertEquals(0x8000, HalfFloats.toBfloat16(-0f) & 0xffff);
        assertTrue(Float.isNaN(HalfFloats.toFloat(DType.BF16, HalfFloats.toBfloat16(Float.intBitsToFloat(0x7f800001)))),
                "a NaN whose payload sits in the dropped bits stays NaN");
        // Against exact decimal arithmetic: the nearest BF16 (ties to even) of random floats whose
        // upper neighbour is finite (overflow is checked above).
        for (int i = 0; i < 100_000; i++) {
            float v = Float.intBitsToFloat(RANDOM.nextInt() & 0x7effffff) * (RANDOM.nextBoolean() ? 1 : -1);
            float got = HalfFloats.toFloat(DType.BF16, HalfFloats.toBfloat16(v));
            int low = Float.floatToRawIntBits(v) & 0xffff0000;
            float down = Float.intBitsToFloat(low);
            float up = Float.intBitsToFloat(low + 0x10000);
            int cmp = new BigDecimal(v).subtract(new BigDecimal(down)).abs()
                    .compareTo(new BigDecimal(up).subtract(new BigDecimal(v)).abs());
            float want = cmp < 0 ? down : cmp > 0 ? up : ((low >>> 16) & 1) == 0 ? down : up;
            assertSameFloat(want, got, "bf16 of " + v);
        }
    }

    @Test
    void widenRejectsFormatsThatAreNot16Bit() {
        assertThrows(IllegalArgumentException.class, () -> HalfFloats.widen(DType.F32, offHeap(new short[4]), 0, new float[4], 0, 4));
        assertThrows(IllegalArgumentException.class,
                () -> PackedMatrix.pack(DType.I16, 1, 1, (r, dst) -> { }, new float[1], Arena.ofAuto()));
    }

    /** Random finite 16-bit patterns of moderate size (|x| below 4), subnormals and zeros included. */
    private static short[] randomPatterns(DType format, int n) {
        short[] p = new short[n];
        for (int i = 0; i < n; i++) {
            int sign = RANDOM.nextBoolean() ? 0x8000 : 0;
            int magnitude = format == DType.F16 ? RANDOM.nextInt(0x4400) : RANDOM.nextInt(0x4080);
            if (i % 17 == 0) {
                magnitude = RANDOM.nextInt(format == DType.F16 ? 0x400 : 0x80); // subnormal
            }
            p[i] = (short) (sign | magnitude);
        }
        return p;
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F16", "BF16"})
    void matmulOn16BitWeightsIsTheFloat32MatmulBitForBit(DType format) {
        int panel = MatMul.PANEL;
        int[][] shapes = { // rows, in, out
            {1, 1, 1}, {1, L - 1, panel}, {7, L + 3, panel + 1}, {8, 3 * L, 2 * panel}, {9, 2 * L + 1, 3 * panel - 2},
            {17, 130, panel + L}, {33, 4 * L + 5, 2 * panel + 3}};
        for (int[] s : shapes) {
            int rows = s[0];
            int in = s[1];
            int out = s[2];
            short[] w = randomPatterns(format, out * in);
            float[] widened = new float[w.length];
            for (int i = 0; i < w.length; i++) {
                widened[i] = scalar(format, w[i]);
            }
            float[] bias = new float[out];
            float[] a = new float[rows * in];
            for (int i = 0; i < bias.length; i++) {
                bias[i] = (float) RANDOM.nextDouble(-0.1, 0.1);
            }
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) RANDOM.nextDouble(-1, 1);
            }
            PackedMatrix half = PackedMatrix.pack(format, out, in, (r, dst) -> System.arraycopy(w, r * in, dst, 0, in), bias,
                    Arena.ofAuto());
            assertEquals(format, half.format());
            assertTrue(half.halves.isNative(), "16-bit patterns are kept off the Java heap");
            PackedMatrix full = PackedMatrix.pack(widened, out, in, bias);
            float[] want = new float[rows * out];
            MatMul.multiply(a, rows, full, want, new float[MatMul.scratchSize(rows, in)], one);
            for (Parallel p : new Parallel[] {one, two}) {
                float[] got = new float[rows * out];
                MatMul.multiply(a, rows, half, got, new float[MatMul.scratchSize(rows, in)], p);
                for (int i = 0; i < got.length; i++) {
                    assertSameFloat(want[i], got[i], format + " " + rows + "x" + in + "->" + out + " at " + i);
                }
            }
            // And against plain double-precision Java on the widened values.
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < out; j++) {
                    double sum = bias[j];
                    for (int k = 0; k < in; k++) {
                        sum += (double) a[r * in + k] * widened[j * in + k];
                    }
                    assertEquals(sum, want[r * out + j], 1e-5 * Math.sqrt(in) * 4, "c[" + r + "][" + j + "]");
                }
            }
        }
    }
}
