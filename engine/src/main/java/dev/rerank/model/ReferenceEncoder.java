package dev.rerank.model;

import dev.rerank.model.Recipe.Activation;
import dev.rerank.model.Recipe.Attention;
import dev.rerank.model.Recipe.FeedForward;
import dev.rerank.model.Recipe.Layer;
import dev.rerank.model.Recipe.Linear;
import dev.rerank.model.Recipe.Norm;
import dev.rerank.model.Recipe.Param;
import dev.rerank.weights.WeightSource;
import java.util.HashMap;
import java.util.Map;

/**
 * The whole encoder in plain Java loops, in double precision — start reading here.
 *
 * <p>This file computes what {@link Encoder} computes, for every family, by following the family's
 * {@link Recipe} one sequence at a time, with no vectors, threads, packing or buffer reuse: a token
 * goes from its id to its final hidden state (and a pair to its logits) in the order of the
 * sections below. It is also the engine's in-Java oracle: tests run random small models of every
 * family through both and compare.
 *
 * <pre>
 *   ids ─▶ embeddings ─▶ [ attention ─▶ add (&amp; norm) ─▶ feed-forward ─▶ add (&amp; norm) ] × N ─▶ final norm ─▶ head / pooling
 * </pre>
 */
public final class ReferenceEncoder {

    // ---------------------------------------------------------------- the recipe and its weights

    private final Recipe recipe;
    private final boolean withHead;
    /** Every parameter by its name in the recipe; Linear weights keep PyTorch's layout w[out][in], y = x·wᵀ + b. */
    private final Map<String, double[]> weights = new HashMap<>();

    public ReferenceEncoder(ModelConfig config, WeightSource source, boolean withHead) {
        this.recipe = config.recipe();
        this.withHead = withHead;
        ParameterTable table = ParameterTable.forWeights(config, source, withHead);
        new WeightLoader(table, source); // checks every name and shape
        for (Param p : table.params()) {
            String name = table.name(p);
            int n = Math.toIntExact(source.info(name).elementCount());
            float[] f = new float[n];
            source.read(name, 0, f, 0, n);
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                d[i] = f[i];
            }
            weights.put(p.name(), d);
        }
    }

    private double[] w(Param p) {
        return p == null ? null : weights.get(p.name());
    }

    // ---------------------------------------------------------------- the forward pass

    /** Final hidden states [token][hidden] of one sequence (token types 0 when typeIds is null). */
    public double[][] hiddenStates(int[] ids, int[] typeIds) {
        double[][] x = embeddings(ids, typeIds);
        for (Layer layer : recipe.layers()) {
            x = layer(x, layer);
        }
        return norm(x, recipe.finalNorm());
    }

    /**
     * post-norm: a = N₁(x + Attention(x)); y = N₂(a + FFN(a))
     * pre-norm:  a = x + Attention(N₁(x)); y = a + FFN(N₂(a))
     */
    private double[][] layer(double[][] x, Layer l) {
        if (l.placement() == Recipe.Placement.POST_NORM) {
            double[][] a = norm(add(attention(x, l.attention()), x), l.attentionNorm());
            return norm(add(feedForward(a, l.feedForward()), a), l.feedForwardNorm());
        }
        double[][] a = add(x, attention(norm(x, l.attentionNorm()), l.attention()));
        return add(a, feedForward(norm(a, l.feedForwardNorm()), l.feedForward()));
    }

    // ---------------------------------------------------------------- embeddings

    /** word (+ token type) (+ position from the family's first position row), then the norm. */
    private double[][] embeddings(int[] ids, int[] typeIds) {
        Recipe.Embeddings e = recipe.embeddings();
        int hidden = recipe.hidden();
        double[][] x = new double[ids.length][hidden];
        for (int t = 0; t < ids.length; t++) {
            int type = typeIds == null ? 0 : typeIds[t];
            for (int i = 0; i < hidden; i++) {
                x[t][i] = w(e.words())[ids[t] * hidden + i];
                if (e.tokenTypes() != null) {
                    x[t][i] += w(e.tokenTypes())[type * hidden + i];
                }
                if (e.positions() != null) {
                    x[t][i] += w(e.positions())[(e.firstPosition() + t) * hidden + i];
                }
            }
        }
        return norm(x, e.norm());
    }

    // ---------------------------------------------------------------- attention

    /**
     * Multi-head self-attention over the sequence: queries, keys and values (the projections side
     * by side), each head's query and key normalized and rotated by position where the recipe says;
     * then for each query i, softmax over the keys j the mask lets it see of q_i · k_j / √d + bias(j − i),
     * and context_i = Σ_j p_j v_j; finally the output projection.
     */
    private double[][] attention(double[][] x, Attention a) {
        int n = x.length;
        int d = a.headSize();
        int heads = a.heads();
        int group = heads / a.keyValueHeads();
        double[][] qkv = new double[n][];
        for (int t = 0; t < n; t++) {
            qkv[t] = new double[0];
            for (Linear l : a.projections()) {
                qkv[t] = concat(qkv[t], apply(l, x[t]));
            }
        }
        int keys = a.queryWidth();
        int values = keys + a.keyValueWidth();
        for (int t = 0; t < n; t++) {
            for (int h = 0; h < heads; h++) {
                headNorm(qkv[t], h * d, d, a.queryNorm());
                rotate(qkv[t], h * d, d, t, a.rotary());
            }
            for (int g = 0; g < a.keyValueHeads(); g++) {
                headNorm(qkv[t], keys + g * d, d, a.keyNorm());
                rotate(qkv[t], keys + g * d, d, t, a.rotary());
            }
        }
        double[][] context = new double[n][heads * d];
        for (int h = 0; h < heads; h++) {
            int q = h * d;
            int k = keys + h / group * d;
            int v = values + h / group * d;
            for (int i = 0; i < n; i++) {
                int first = a.mask().first(i);
                int end = a.mask().end(i, n);
                double[] p = new double[end - first];
                for (int j = first; j < end; j++) {
                    double dot = 0;
                    for (int c = 0; c < d; c++) {
                        dot += qkv[i][q + c] * qkv[j][k + c];
                    }
                    p[j - first] = dot / Math.sqrt(d) + (a.relativeBias() ? relativeBias(h, i, j) : 0);
                }
                softmax(p);
                for (int j = first; j < end; j++) {
                    for (int c = 0; c < d; c++) {
                        context[i][q + c] += p[j - first] * qkv[j][v + c];
                    }
                }
            }
        }
        return apply(a.output(), context);
    }

    /** MPNet's learned bias for key j of query i: the table's entry for their distance's bucket. */
    private double relativeBias(int head, int i, int j) {
        Recipe.RelativeBias rb = recipe.relativeBias();
        int heads = (int) rb.table().shape()[1];
        return w(rb.table())[rb.bucket(i, j) * heads + head];
    }

    /** Rotate-half: (x₁, x₂) → (x₁·cos − x₂·sin, x₂·cos + x₁·sin), angles position · θ^(−2j/d). */
    private static void rotate(double[] x, int at, int d, int position, Recipe.Rotary rotary) {
        if (rotary == null) {
            return;
        }
        int half = d / 2;
        for (int j = 0; j < half; j++) {
            double angle = position / Math.pow(rotary.theta(), 2.0 * j / d);
            double a = x[at + j];
            double b = x[at + half + j];
            x[at + j] = a * Math.cos(angle) - b * Math.sin(angle);
            x[at + half + j] = b * Math.cos(angle) + a * Math.sin(angle);
        }
    }

    /** One head's slice normalized by its own RMSNorm (Qwen3's q_norm / k_norm), in place. */
    private void headNorm(double[] x, int at, int d, Norm norm) {
        if (norm.kind() == Recipe.NormKind.NONE) {
            return;
        }
        double[] slice = java.util.Arrays.copyOfRange(x, at, at + d);
        System.arraycopy(norm(new double[][] {slice}, norm)[0], 0, x, at, d);
    }

    // ---------------------------------------------------------------- feed-forward

    /** W₂ · act(W₁ · a + b₁) + b₂; gated: W₂ · (act(first half) ⊙ second half). */
    private double[][] feedForward(double[][] a, FeedForward f) {
        double[][] out = new double[a.length][];
        for (int t = 0; t < a.length; t++) {
            double[] wide = new double[0];
            for (Linear l : f.up()) {
                wide = concat(wide, apply(l, a[t]));
            }
            double[] inner = new double[f.width()];
            for (int i = 0; i < inner.length; i++) {
                inner[i] = activate(wide[i], f.activation()) * (f.gated() ? wide[inner.length + i] : 1);
            }
            out[t] = apply(f.down(), inner);
        }
        return out;
    }

    private static double activate(double x, Activation act) {
        return switch (act) {
            case GELU -> 0.5 * x * (1 + erf(x / Math.sqrt(2))); // the exact (erf) GELU
            case SILU -> x / (1 + Math.exp(-x));
            case TANH -> Math.tanh(x);
        };
    }

    // ---------------------------------------------------------------- the classification head

    /** Logits of a sequence-classification model: pool → dense → activation → norm → out. */
    public double[] logits(int[] ids, int[] typeIds) {
        Recipe.Head head = recipe.head();
        if (!withHead || head == null) {
            throw new IllegalStateException("loaded without a classification head");
        }
        double[][] states = hiddenStates(ids, typeIds);
        double[] pooled = switch (head.pool()) {
            case FIRST -> clsPooling(states);
            case LAST -> lastTokenPooling(states);
            case MEAN -> meanPooling(states, false);
        };
        if (head.dense() != null) {
            pooled = apply(head.dense(), pooled);
            for (int i = 0; i < pooled.length; i++) {
                pooled[i] = activate(pooled[i], head.activation());
            }
            pooled = norm(new double[][] {pooled}, head.norm())[0];
        }
        return apply(head.out(), pooled);
    }

    // ---------------------------------------------------------------- pooling (sentence embeddings)

    /** The first token's hidden state. */
    public static double[] clsPooling(double[][] states) {
        return states[0].clone();
    }

    /** The last token's hidden state. */
    public static double[] lastTokenPooling(double[][] states) {
        return states[states.length - 1].clone();
    }

    /** The mean over tokens (sqrtLength: the sum divided by √n instead, sentence-transformers' mean_sqrt_len_tokens). */
    public static double[] meanPooling(double[][] states, boolean sqrtLength) {
        double[] out = new double[states[0].length];
        for (double[] row : states) {
            for (int i = 0; i < out.length; i++) {
                out[i] += row[i];
            }
        }
        double divisor = sqrtLength ? Math.sqrt(states.length) : states.length;
        for (int i = 0; i < out.length; i++) {
            out[i] /= divisor;
        }
        return out;
    }

    /** The largest value of each dimension over tokens. */
    public static double[] maxPooling(double[][] states) {
        double[] out = states[0].clone();
        for (double[] row : states) {
            for (int i = 0; i < out.length; i++) {
                out[i] = Math.max(out[i], row[i]);
            }
        }
        return out;
    }

    /** v / max(‖v‖, 1e-12), as torch.nn.functional.normalize. */
    public static double[] normalize(double[] v) {
        double sq = 0;
        for (double x : v) {
            sq += x * x;
        }
        double norm = Math.max(Math.sqrt(sq), 1e-12);
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] / norm;
        }
        return out;
    }

    // ---------------------------------------------------------------- the arithmetic

    private double[][] apply(Linear l, double[][] x) {
        double[][] y = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            y[t] = apply(l, x[t]);
        }
        return y;
    }

    private double[] apply(Linear l, double[] x) {
        double[] weight = w(l.weight());
        double[] bias = w(l.bias());
        double[] y = new double[l.out()];
        for (int o = 0; o < y.length; o++) {
            double sum = bias == null ? 0 : bias[o];
            for (int i = 0; i < x.length; i++) {
                sum += weight[o * x.length + i] * x[i];
            }
            y[o] = sum;
        }
        return y;
    }

    private static double[][] add(double[][] x, double[][] y) {
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            out[t] = new double[x[t].length];
            for (int i = 0; i < x[t].length; i++) {
                out[t][i] = x[t][i] + y[t][i];
            }
        }
        return out;
    }

    /**
     * Each row normalized: LayerNorm (x − mean) / √(var + eps) · γ (+ β), with the population variance;
     * RMSNorm x / √(mean(x²) + eps) · γ; or left as it is.
     */
    private double[][] norm(double[][] x, Norm norm) {
        if (norm.kind() == Recipe.NormKind.NONE) {
            return x;
        }
        double[] gamma = w(norm.weight());
        double[] beta = w(norm.bias());
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double[] row = x[t];
            double mean = 0;
            if (norm.kind() == Recipe.NormKind.LAYER) {
                for (double v : row) {
                    mean += v;
                }
                mean /= row.length;
            }
            double var = 0;
            for (double v : row) {
                var += (v - mean) * (v - mean);
            }
            var /= row.length;
            double inv = 1 / Math.sqrt(var + norm.eps());
            out[t] = new double[row.length];
            for (int i = 0; i < row.length; i++) {
                out[t][i] = (row[i] - mean) * inv * gamma[i] + (beta == null ? 0 : beta[i]);
            }
        }
        return out;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static void softmax(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.exp(x[i] - max);
            sum += x[i];
        }
        for (int i = 0; i < x.length; i++) {
            x[i] /= sum;
        }
    }

    /** erf in double precision (Java has none): Taylor series near 0, continued fraction beyond. */
    public static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 2.5) {
            // erf(x) = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))
            double term = ax;
            double sum = ax;
            for (int n = 1; n < 200; n++) {
                term *= -ax * ax / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            // erfc(x) = e^{-x²}/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))), evaluated backwards
            double f = 0;
            for (int n = 200; n >= 1; n--) {
                f = (n / 2.0) / (ax + f);
            }
            r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
        }
        return x < 0 ? -r : r;
    }
}
