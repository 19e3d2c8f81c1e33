package dev.rerank.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kernels of the newer families against plain double loops, at widths around the vector
 * length (the suite runs them at every width): RMSNorm (whole rows and per-head slices), LayerNorm
 * without a shift, the rotation by position, SiLU and the gated product.
 */
class NormAndRotaryKernelTest {
    private static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextDouble(-3, 3);
        }
        return x;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 8, 9, 16, 17, 33, 64, 100})
    void rmsNormMatchesScalar(int dim) {
        SplittableRandom r = new SplittableRandom(dim);
        int rows = 3;
        float[] x = random(r, rows * dim);
        float[] gamma = random(r, dim);
        float[] out = new float[rows * dim];
        RmsNorm.apply(x, out, 0, rows, dim, gamma, 1e-6f);
        float[] inPlace = x.clone();
        // Per-head form: each row is one head of width dim at offset 0 of a row of stride dim.
        RmsNorm.apply(inPlace, 0, rows, dim, 0, dim, gamma, 1e-6f);
        float[] residual = random(r, rows * dim);
        float[] added = x.clone();
        RmsNorm.addAndApply(added, residual, 0, rows, dim, gamma, 1e-6f);
        for (int row = 0; row < rows; row++) {
            double sq = 0;
            double sqAdded = 0;
            for (int i = 0; i < dim; i++) {
                sq += (double) x[row * dim + i] * x[row * dim + i];
                double a = (double) x[row * dim + i] + residual[row * dim + i];
                sqAdded += a * a;
            }
            double inv = 1 / Math.sqrt(sq / dim + 1e-6);
            double invAdded = 1 / Math.sqrt(sqAdded / dim + 1e-6);
            for (int i = 0; i < dim; i++) {
                int k = row * dim + i;
                double want = x[k] * inv * gamma[i];
                assertEquals(want, out[k], 2e-6 * Math.max(1, Math.abs(want)), "rms row " + row + " dim " + i);
                assertEquals(out[k], inPlace[k], 0f, "per-head form differs from the row form");
                double wantAdded = ((double) x[k] + residual[k]) * invAdded * gamma[i];
                assertEquals(wantAdded, added[k], 2e-6 * Math.max(1, Math.abs(wantAdded)), "add & rms");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 8, 9, 31, 64, 96})
    void layerNormWithoutShiftMatchesScalar(int dim) {
        SplittableRandom r = new SplittableRandom(dim + 100);
        int rows = 2;
        float[] x = random(r, rows * dim);
        float[] gamma = random(r, dim);
        float[] out = new float[rows * dim];
        LayerNorm.apply(x, out, 0, rows, dim, gamma, null, 1e-5f);
        for (int row = 0; row < rows; row++) {
            double mean = 0;
            for (int i = 0; i < dim; i++) {
                mean += x[row * dim + i];
            }
            mean /= dim;
            double var = 0;
            for (int i = 0; i < dim; i++) {
                var += (x[row * dim + i] - mean) * (x[row * dim + i] - mean);
            }
            double inv = 1 / Math.sqrt(var / dim + 1e-5);
            for (int i = 0; i < dim; i++) {
                double want = (x[row * dim + i] - mean) * inv * gamma[i];
                assertEquals(want, out[row * dim + i], 3e-6 * Math.max(1, Math.abs(want)), "row " + row + " dim " + i);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 6, 16, 18, 32, 64, 128})
    void rotationMatchesScalar(int headSize) {
        SplittableRandom r = new SplittableRandom(headSize);
        Rotary rotary = new Rotary(10000.0, headSize);
        int positions = 300;
        rotary.ensure(7); // grows on demand
        rotary.ensure(positions);
        for (int p : new int[] {0, 1, 5, 127, 299}) {
            float[] x = random(r, headSize + 3);
            float[] y = x.clone();
            rotary.rotate(y, 3, p);
            int half = headSize / 2;
            for (int j = 0; j < half; j++) {
                double angle = p / Math.pow(10000.0, 2.0 * j / headSize);
                double a = x[3 + j];
                double b = x[3 + half + j];
                assertEquals(a * Math.cos(angle) - b * Math.sin(angle), y[3 + j], 2e-6, "position " + p + " j " + j);
                assertEquals(b * Math.cos(angle) + a * Math.sin(angle), y[3 + half + j], 2e-6, "position " + p + " j " + j);
            }
            for (int i = 0; i < 3; i++) {
                assertEquals(x[i], y[i], 0f, "a value before the head changed");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 9, 40, 100})
    void siluAndGateMatchScalar(int width) {
        SplittableRandom r = new SplittableRandom(width + 7);
        int rows = 3;
        float[] up = random(r, rows * 2 * width);
        float[] activated = up.clone();
        for (int row = 0; row < rows; row++) {
            Activations.silu(activated, row * 2 * width, row * 2 * width + width);
        }
        float[] out = new float[rows * width];
        Activations.gate(activated, 0, rows, width, out);
        for (int row = 0; row < rows; row++) {
            for (int i = 0; i < width; i++) {
                double a = up[row * 2 * width + i];
                double silu = a / (1 + Math.exp(-a));
                assertEquals(silu, activated[row * 2 * width + i], 2e-6 * Math.max(1, Math.abs(silu)), "silu");
                double want = silu * up[row * 2 * width + width + i];
                assertEquals(want, out[row * width + i], 3e-6 * Math.max(1, Math.abs(want)), "gate row " + row + " col " + i);
            }
        }
    }
}
