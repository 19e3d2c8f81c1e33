package dev.rerank.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rerank.weights.DType;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each kernel against plain scalar Java in double precision, on sizes that exercise the vector tails. */
class KernelsTest {
    private static final SplittableRandom RANDOM = new SplittableRandom(42);
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

    private static float[] scratch(int rows, int in) {
        return new float[MatMul.scratchSize(rows, in)];
    }

    private static float[] random(int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) ((RANDOM.nextDouble() * 2 - 1) * scale);
        }
        return x;
    }

    @ParameterizedTest(name = "rows={0} in={1} out={2}")
    @CsvSource({"1,1,1", "3,7,5", "4,40,40", "5,40,120", "7,84,40", "13,33,65", "9,64,64", "17,130,200", "64,96,300",
        // many tiles with a partial one at the end, long k, and an output that is not whole panels
        "137,341,48", "300,200,97",
        // k past the scalar packing block (512) with a tail that is not whole vectors, full and partial tiles
        "16,1033,48", "21,1033,50",
        // several row blocks (64 rows at in = 8192, 120 at in = 4100), the last one partial
        "150,8192,40", "200,4100,48"})
    void matmulMatchesScalar(int rows, int in, int out) {
        float[] a = random(rows * in, 1);
        float[] w = random(out * in, 0.5);
        float[] bias = random(out, 0.1);
        PackedMatrix packed = PackedMatrix.pack(w, out, in, bias);
        float[] c = new float[rows * out];
        MatMul.multiply(a, rows, packed, c, scratch(rows, in), two);
        float[] c1 = new float[rows * out];
        MatMul.multiply(a, rows, packed, c1, scratch(rows, in), one);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < out; j++) {
                double want = bias[j];
                for (int k = 0; k < in; k++) {
                    want += (double) a[r * in + k] * w[j * in + k];
                }
                assertEquals(want, c[r * out + j], 1e-5 * Math.sqrt(in), "c[" + r + "][" + j + "]");
                assertEquals(c[r * out + j], c1[r * out + j], 0.0, "thread count changed a result");
            }
        }
    }

    @Test
    void matmulReusesScratchAndChecksItsSize() {
        int rows = 11;
        int in = 30;
        int out = 50;
        float[] a = random(rows * in, 1);
        PackedMatrix w = PackedMatrix.pack(random(out * in, 1), out, in, random(out, 1));
        float[] fresh = new float[rows * out];
        MatMul.multiply(a, rows, w, fresh, scratch(rows, in), one);
        float[] scratch = random(MatMul.scratchSize(rows, in) + 7, 100); // stale contents must not matter
        float[] reused = new float[rows * out];
        MatMul.multiply(a, rows, w, reused, scratch, two);
        assertArrayEquals(fresh, reused);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MatMul.multiply(a, rows, w, reused, new float[MatMul.scratchSize(rows, in) - 1], one));
        assertTrue(e.getMessage().contains("scratch"), e.getMessage());
    }

    @ParameterizedTest(name = "rows={0} in={1} panels={2}..{3} of {4}, {5}")
    // one row; a partial tile; three row blocks (64 + 64 + 22 rows at in = 8192); 16-bit weights
    @CsvSource({"1,40,0,1,3,F32", "13,33,1,3,3,F32", "21,96,2,4,5,F32", "150,8192,1,2,3,F32", "13,33,1,3,3,BF16",
        "21,96,0,2,3,F16"})
    void columnRangeIsThoseColumnsOfTheFullProduct(int rows, int in, int fromPanel, int toPanel, int panels, DType format) {
        int p = MatMul.PANEL;
        int out = panels * p;
        float[] a = random(rows * in, 1);
        float[] values = random(out * in, 1);
        float[] bias = random(out, 1);
        PackedMatrix w = format == DType.F32
                ? PackedMatrix.pack(values, out, in, bias)
                : PackedMatrix.pack(format, out, in, (row, dst) -> {
                    for (int k = 0; k < in; k++) {
                        float v = values[row * in + k];
                        dst[k] = format == DType.BF16 ? HalfFloats.toBfloat16(v) : Float.floatToFloat16(v);
                    }
                }, bias, Arena.ofAuto());
        float[] full = new float[rows * out];
        MatMul.multiply(a, rows, w, full, scratch(rows, in), one);
        int stride = out + 3; // rows of c further apart than W's width
        float[] c = new float[rows * stride];
        int from = fromPanel * p;
        int to = toPanel * p;
        assertColumns(full, out, a, rows, w, from, to, c, stride);
        // Ranges that start or end inside a panel: the kernel computes whole panels, keeps the range.
        assertColumns(full, out, a, rows, w, from + 1, to, c, stride);
        assertColumns(full, out, a, rows, w, from, to - 1, c, stride);
        assertColumns(full, out, a, rows, w, from + 1, Math.max(from + 1, to - 1), c, stride);
        assertColumns(full, out, a, rows, w, from + 1, from + 1, c, stride); // empty: writes nothing
        float[] s = scratch(rows, in);
        String outside = assertThrows(IllegalArgumentException.class,
                () -> MatMul.multiplyColumns(a, rows, w, 0, out + p, new float[rows * (out + p)], out + p, s, one)).getMessage();
        assertTrue(outside.contains("not a range within " + out), outside);
        String reversed = assertThrows(IllegalArgumentException.class,
                () -> MatMul.multiplyColumns(a, rows, w, to, from, c, stride, s, one)).getMessage();
        assertTrue(reversed.contains("not a range"), reversed);
        String narrow = assertThrows(IllegalArgumentException.class,
                () -> MatMul.multiplyColumns(a, rows, w, from, to, c, to - 1, s, one)).getMessage();
        assertTrue(narrow.contains("row stride of " + (to - 1)), narrow);
        String small = assertThrows(IllegalArgumentException.class,
                () -> MatMul.multiplyColumns(a, rows, w, from, to, new float[(rows - 1) * stride + to - 1], stride, s, one))
                .getMessage();
        assertTrue(small.contains("buffers too small"), small);
    }

    /** Columns [from, to) computed alone equal those of the full product, and no other value of c is written. */
    private static void assertColumns(float[] full, int out, float[] a, int rows, PackedMatrix w, int from, int to,
                                      float[] c, int stride) {
        java.util.Arrays.fill(c, -7f);
        MatMul.multiplyColumns(a, rows, w, from, to, c, stride, scratch(rows, w.in()), two);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < stride; j++) {
                boolean inRange = j >= from && j < to;
                assertEquals(inRange ? full[r * out + j] : -7f, c[r * stride + j], 0.0,
                        "columns [" + from + ", " + to + "): c[" + r + "][" + j + "]"
                                + (inRange ? "" : ", outside the range, was written"));
            }
        }
    }

    @ParameterizedTest(name = "rows={0} in={1}")
    @CsvSource({"9,50", "70,8192"}) // one tile; two row blocks
    void matmulRowDoesNotDependOnItsNeighbours(int rows, int in) {
        int out = 70;
        float[] a = random(rows * in, 1);
        PackedMatrix w = PackedMatrix.pack(random(out * in, 1), out, in, random(out, 1));
        float[] all = new float[rows * out];
        MatMul.multiply(a, rows, w, all, scratch(rows, in), two);
        for (int r = 0; r < rows; r++) {
            float[] alone = new float[out];
            MatMul.multiply(java.util.Arrays.copyOfRange(a, r * in, (r + 1) * in), 1, w, alone, scratch(1, in), one);
            for (int j = 0; j < out; j++) {
                assertEquals(all[r * out + j], alone[j], 0.0, "row " + r + " in a tile vs alone");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 16, 40, 67, 768})
    void layerNormMatchesScalar(int dim) {
        int rows = 3;
        float[] x = random(rows * dim, 3);
        for (int i = 0; i < x.length; i++) {
            x[i] += 5; // a large mean must not cost precision
        }
        float[] residual = random(rows * dim, 1);
        float[] gamma = random(dim, 1);
        float[] beta = random(dim, 1);
        float[] y = x.clone();
        LayerNorm.addAndApply(y, residual, rows, dim, gamma, beta, 1e-5f);
        float[] split = x.clone(); // the same rows, shared out in two ranges as threads do
        LayerNorm.addAndApply(split, residual, 1, rows, dim, gamma, beta, 1e-5f);
        LayerNorm.addAndApply(split, residual, 0, 1, dim, gamma, beta, 1e-5f);
        assertArrayEquals(y, split);
        for (int r = 0; r < rows; r++) {
            double mean = 0;
            for (int i = 0; i < dim; i++) {
                mean += (double) x[r * dim + i] + residual[r * dim + i];
            }
            mean /= dim;
            double var = 0;
            for (int i = 0; i < dim; i++) {
                double d = (double) x[r * dim + i] + residual[r * dim + i] - mean;
                var += d * d;
            }
            double inv = 1 / Math.sqrt(var / dim + 1e-5);
            for (int i = 0; i < dim; i++) {
                double want = ((double) x[r * dim + i] + residual[r * dim + i] - mean) * inv * gamma[i] + beta[i];
                assertEquals(want, y[r * dim + i], 2e-5, "row " + r + " col " + i);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 16, 17, 100, 512})
    void softmaxMatchesScalar(int n) {
        float[] x = random(n + 6, 20);
        float[] y = x.clone();
        Softmax.apply(y, 3, n);
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 3; i < 3 + n; i++) {
            max = Math.max(max, x[i]);
        }
        double sum = 0;
        for (int i = 3; i < 3 + n; i++) {
            sum += Math.exp(x[i] - max);
        }
        for (int i = 3; i < 3 + n; i++) {
            assertEquals(Math.exp(x[i] - max) / sum, y[i], 1e-7 + 1e-6 * y[i]);
        }
        assertEquals(x[0], y[0], 0.0, "softmax wrote outside its range");
        assertEquals(x[n + 5], y[n + 5], 0.0, "softmax wrote outside its range");
    }

    @Test
    void geluIsExactErfGeluWithin1e6() {
        int n = 200_001;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = -10f + 20f * i / (n - 1);
        }
        float[] y = x.clone();
        Gelu.apply(y, 0, n);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double want = 0.5 * x[i] * (1 + dev.rerank.model.ReferenceEncoder.erf(x[i] / Math.sqrt(2)));
            worst = Math.max(worst, Math.abs(want - y[i]));
        }
        assertTrue(worst < 1e-6, "GELU max error " + worst);
    }

    @Test
    void tanhAndSigmoidMatchScalar() {
        float[] x = random(1003, 12);
        x[0] = 0;
        x[1] = 100;
        x[2] = -100;
        float[] t = x.clone();
        float[] s = x.clone();
        Activations.tanh(t, 0, t.length);
        Activations.sigmoid(s, 0, s.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Math.tanh(x[i]), t[i], 2e-7, "tanh(" + x[i] + ")");
            assertEquals(1 / (1 + Math.exp(-x[i])), s[i], 2e-7, "sigmoid(" + x[i] + ")");
        }
    }
}
