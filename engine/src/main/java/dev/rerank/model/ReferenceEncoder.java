package dev.rerank.model;

import dev.rerank.weights.WeightSource;

/**
 * The whole encoder in plain Java loops, in double precision — start reading here.
 *
 * <p>This file computes what {@link Encoder} computes, for BERT and RoBERTa, one sequence at a time
 * and with no vectors, threads, packing or buffer reuse: a token goes from its id to its final
 * hidden state (and a pair to its logits) in the order of the sections below. It is also the
 * engine's in-Java oracle: tests run random small models through both and compare.
 *
 * <pre>
 *   ids ─▶ embeddings ─▶ [ attention ─▶ add &amp; norm ─▶ feed-forward ─▶ add &amp; norm ] × N ─▶ head / pooling
 * </pre>
 */
public final class ReferenceEncoder {

    // ---------------------------------------------------------------- config

    private final ModelConfig config;
    private final int hidden;
    private final int heads;
    private final int headSize;
    private final double eps;

    // ---------------------------------------------------------------- weights
    // Linear layers keep PyTorch's layout: w[out][in], y = x·wᵀ + b.

    private final double[][] wordEmbeddings;     // [vocab][hidden]
    private final double[][] positionEmbeddings; // [positions][hidden]
    private final double[][] typeEmbeddings;     // [types][hidden]
    private final double[][] embeddingNorm;      // {gamma, beta}
    private final Layer[] layers;
    private final Linear headDense;              // null without a head
    private final Linear headOut;

    private record Linear(double[][] w, double[] b) {}

    private record Layer(Linear query, Linear key, Linear value, Linear attentionOut, double[][] attentionNorm,
                         Linear up, Linear down, double[][] outputNorm) {}

    public ReferenceEncoder(ModelConfig config, WeightSource weights, boolean withHead) {
        this.config = config;
        this.hidden = config.hiddenSize();
        this.heads = config.numHeads();
        this.headSize = config.headSize();
        this.eps = config.layerNormEps();
        ParameterTable names = ParameterTable.forWeights(config, weights, withHead);
        new WeightLoader(names, weights); // checks every name and shape
        wordEmbeddings = matrix(weights, names.embeddings("word_embeddings.weight"));
        positionEmbeddings = matrix(weights, names.embeddings("position_embeddings.weight"));
        typeEmbeddings = matrix(weights, names.embeddings("token_type_embeddings.weight"));
        embeddingNorm = norm(weights, names.embeddings("LayerNorm"));
        layers = new Layer[config.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = new Layer(
                    linear(weights, names.layer(i, "attention.self.query")),
                    linear(weights, names.layer(i, "attention.self.key")),
                    linear(weights, names.layer(i, "attention.self.value")),
                    linear(weights, names.layer(i, "attention.output.dense")),
                    norm(weights, names.layer(i, "attention.output.LayerNorm")),
                    linear(weights, names.layer(i, "intermediate.dense")),
                    linear(weights, names.layer(i, "output.dense")),
                    norm(weights, names.layer(i, "output.LayerNorm")));
        }
        headDense = withHead ? linear(weights, names.headDense()) : null;
        headOut = withHead ? linear(weights, names.headOut()) : null;
    }

    private static double[] vector(WeightSource weights, String name) {
        int n = Math.toIntExact(weights.info(name).elementCount());
        float[] f = new float[n];
        weights.read(name, 0, f, 0, n);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static double[][] matrix(WeightSource weights, String name) {
        long[] shape = weights.info(name).shape();
        double[] flat = vector(weights, name);
        double[][] m = new double[(int) shape[0]][(int) shape[1]];
        for (int r = 0; r < m.length; r++) {
            System.arraycopy(flat, r * m[r].length, m[r], 0, m[r].length);
        }
        return m;
    }

    private static Linear linear(WeightSource weights, String prefix) {
        return new Linear(matrix(weights, prefix + ".weight"), vector(weights, prefix + ".bias"));
    }

    private static double[][] norm(WeightSource weights, String prefix) {
        return new double[][] {vector(weights, prefix + ".weight"), vector(weights, prefix + ".bias")};
    }

    // ---------------------------------------------------------------- the forward pass

    /** Final hidden states [token][hidden] of one sequence (token types 0 when typeIds is null). */
    public double[][] hiddenStates(int[] ids, int[] typeIds) {
        double[][] x = embeddings(ids, typeIds);
        for (Layer layer : layers) {
            double[][] a = addAndNorm(attention(x, layer), x, layer.attentionNorm());
            x = addAndNorm(feedForward(a, layer), a, layer.outputNorm());
        }
        return x;
    }

    // ---------------------------------------------------------------- embeddings

    /** word + token type + position, then LayerNorm. RoBERTa's positions start after the padding rows. */
    private double[][] embeddings(int[] ids, int[] typeIds) {
        int first = config.architecture().firstPosition(config.padTokenId());
        double[][] x = new double[ids.length][hidden];
        for (int t = 0; t < ids.length; t++) {
            int type = typeIds == null ? 0 : typeIds[t];
            for (int i = 0; i < hidden; i++) {
                x[t][i] = wordEmbeddings[ids[t]][i] + typeEmbeddings[type][i] + positionEmbeddings[first + t][i];
            }
            layerNorm(x[t], embeddingNorm);
        }
        return x;
    }

    // ---------------------------------------------------------------- attention

    /** Multi-head self-attention over the whole sequence (no mask: there is no padding), then W_o. */
    private double[][] attention(double[][] x, Layer layer) {
        int n = x.length;
        double[][] q = apply(layer.query(), x);
        double[][] k = apply(layer.key(), x);
        double[][] v = apply(layer.value(), x);
        double[][] context = new double[n][hidden];
        double scale = 1 / Math.sqrt(headSize);
        for (int h = 0; h < heads; h++) {
            int off = h * headSize;
            for (int i = 0; i < n; i++) {
                // scores_j = q_i · k_j / √d, softmax over j, then context_i = Σ_j p_j v_j
                double[] p = new double[n];
                for (int j = 0; j < n; j++) {
                    double dot = 0;
                    for (int c = 0; c < headSize; c++) {
                        dot += q[i][off + c] * k[j][off + c];
                    }
                    p[j] = dot * scale;
                }
                softmax(p);
                for (int j = 0; j < n; j++) {
                    for (int c = 0; c < headSize; c++) {
                        context[i][off + c] += p[j] * v[j][off + c];
                    }
                }
            }
        }
        return apply(layer.attentionOut(), context);
    }

    // ---------------------------------------------------------------- feed-forward

    /** W₂ · GELU(W₁ · a + b₁) + b₂, with the exact (erf) GELU. */
    private double[][] feedForward(double[][] a, Layer layer) {
        double[][] wide = apply(layer.up(), a);
        for (double[] row : wide) {
            for (int i = 0; i < row.length; i++) {
                row[i] = 0.5 * row[i] * (1 + erf(row[i] / Math.sqrt(2)));
            }
        }
        return apply(layer.down(), wide);
    }

    // ---------------------------------------------------------------- heads

    /** Logits of a sequence-classification model: out(tanh(dense(h[first token]))). */
    public double[] logits(int[] ids, int[] typeIds) {
        if (headDense == null) {
            throw new IllegalStateException("loaded without a classification head");
        }
        double[] pooled = apply(headDense, hiddenStates(ids, typeIds)[0]);
        for (int i = 0; i < pooled.length; i++) {
            pooled[i] = Math.tanh(pooled[i]);
        }
        return apply(headOut, pooled);
    }

    // ---------------------------------------------------------------- pooling (sentence embeddings)

    /** The first token's hidden state. */
    public static double[] clsPooling(double[][] states) {
        return states[0].clone();
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

    private static double[][] apply(Linear l, double[][] x) {
        double[][] y = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            y[t] = apply(l, x[t]);
        }
        return y;
    }

    private static double[] apply(Linear l, double[] x) {
        double[] y = new double[l.w().length];
        for (int o = 0; o < y.length; o++) {
            double sum = l.b()[o];
            for (int i = 0; i < x.length; i++) {
                sum += l.w()[o][i] * x[i];
            }
            y[o] = sum;
        }
        return y;
    }

    private double[][] addAndNorm(double[][] x, double[][] residual, double[][] norm) {
        for (int t = 0; t < x.length; t++) {
            for (int i = 0; i < hidden; i++) {
                x[t][i] += residual[t][i];
            }
            layerNorm(x[t], norm);
        }
        return x;
    }

    /** (x - mean) / √(var + eps) · γ + β, with the population variance. */
    private void layerNorm(double[] x, double[][] norm) {
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= x.length;
        double var = 0;
        for (double v : x) {
            var += (v - mean) * (v - mean);
        }
        var /= x.length;
        double inv = 1 / Math.sqrt(var + eps);
        for (int i = 0; i < x.length; i++) {
            x[i] = (x[i] - mean) * inv * norm[0][i] + norm[1][i];
        }
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
