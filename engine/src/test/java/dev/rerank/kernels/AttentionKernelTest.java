package dev.rerank.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The attention kernel against plain double loops on every vector width the suite runs: grouped
 * key/value heads, windowed and causal masks, a relative bias, and query spans (all, first, last,
 * a middle range). A query's context must also be the same, bit for bit, whether it is computed
 * with the others of its group of four or alone.
 */
class AttentionKernelTest {
    @ParameterizedTest(name = "tokens={0} heads={1}/{2} d={3} window={4} causal={5} bias={6}")
    @CsvSource({
            "1,1,1,8,-1,false,false", "5,5,5,8,-1,false,false", "19,2,2,64,-1,false,false", "33,3,3,20,-1,false,false",
            "70,12,12,64,-1,false,false", "21,2,2,16,-1,false,false", "22,2,2,24,-1,false,false", "9,2,2,48,-1,false,false",
            "6,1,1,96,-1,false,false", "7,1,1,3,-1,false,false",
            "40,4,2,16,-1,true,false", "37,6,2,12,-1,true,false", "17,4,1,8,-1,true,false",
            "50,2,2,16,4,false,false", "50,2,2,16,0,false,false", "23,3,3,7,9,false,false", "64,2,2,32,3,true,false",
            "30,2,2,16,-1,false,true", "13,3,3,5,2,false,true"})
    void attentionMatchesScalar(int n, int heads, int kvHeads, int d, int window, boolean causal, boolean withBias) {
        Attention.Layout layout = new Attention.Layout(heads, kvHeads, d);
        Attention.Mask mask = new Attention.Mask(window < 0 ? Integer.MAX_VALUE : window, causal);
        int start = 2; // a sequence that does not begin at row 0 of the batch
        int rows = start + n + 1;
        SplittableRandom random = new SplittableRandom(n * 31L + heads);
        float[] qkv = new float[rows * layout.stride()];
        for (int i = 0; i < qkv.length; i++) {
            qkv[i] = (float) (random.nextDouble() * 4 - 2);
        }
        float[][] bias = new float[heads][];
        for (int h = 0; h < heads; h++) {
            bias[h] = new float[2 * (n + 3) - 1];
            for (int i = 0; i < bias[h].length; i++) {
                bias[h][i] = (float) random.nextDouble();
            }
        }
        int width = layout.contextWidth();
        float[] ctx = new float[rows * width];
        float[] scratch = new float[Attention.scratchSize(n, d)];
        for (int h = 0; h < heads; h++) {
            Attention.head(qkv, layout, h, Attention.Span.whole(start, n), mask, withBias ? bias[h] : null, ctx, scratch);
        }
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < n; i++) {
                double[] want = scalar(qkv, layout, h, start, n, i, mask, withBias ? bias[h] : null);
                for (int k = 0; k < d; k++) {
                    assertEquals(want[k], ctx[(start + i) * width + h * d + k], 2e-5, "head " + h + " token " + i + " dim " + k);
                }
            }
        }
        // Spans of the same sequence: each query's context the same, bit for bit, written from the span's output row.
        int[][] spans = {{0, 1}, {n - 1, 1}, {n / 3, Math.max(1, n / 2)}, {1, Math.max(0, n - 1)}};
        for (int[] span : spans) {
            int first = span[0];
            int count = Math.min(span[1], n - first);
            float[] part = new float[(count + 1) * width];
            for (int h = 0; h < heads; h++) {
                Attention.head(qkv, layout, h, new Attention.Span(start, n, first, count, 1), mask,
                        withBias ? bias[h] : null, part, scratch);
            }
            for (int q = 0; q < count; q++) {
                for (int c = 0; c < width; c++) {
                    assertEquals(ctx[(start + first + q) * width + c], part[(1 + q) * width + c], 0f,
                            "span from " + first + ": query " + (first + q) + " col " + c);
                }
            }
        }
    }

    /** Query i's context of head h, in double: softmax over its visible keys of q·k/√d + bias, then Σ p·v. */
    private static double[] scalar(float[] qkv, Attention.Layout layout, int h, int start, int n, int i,
                                   Attention.Mask mask, float[] bias) {
        int d = layout.headSize();
        int stride = layout.stride();
        int q = (start + i) * stride + layout.queryOffset(h);
        int first = mask.first(i);
        int end = mask.end(i, n);
        double[] p = new double[end - first];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = first; j < end; j++) {
            double dot = 0;
            for (int k = 0; k < d; k++) {
                dot += (double) qkv[q + k] * qkv[(start + j) * stride + layout.keyOffset(h) + k];
            }
            p[j - first] = dot / Math.sqrt(d) + (bias == null ? 0 : bias[bias.length / 2 + j - i]);
            max = Math.max(max, p[j - first]);
        }
        double sum = 0;
        for (int j = 0; j < p.length; j++) {
            p[j] = Math.exp(p[j] - max);
            sum += p[j];
        }
        double[] out = new double[d];
        for (int j = first; j < end; j++) {
            for (int k = 0; k < d; k++) {
                out[k] += p[j - first] / sum * qkv[(start + j) * stride + layout.valueOffset(h) + k];
            }
        }
        return out;
    }
}
