package dev.rerank.embedding;

import java.util.List;

/**
 * How a sentence embedding is made from the encoder's last hidden states, as sentence-transformers'
 * Pooling and Normalize modules do: one or more pooled vectors, concatenated in the library's
 * order (cls, max, mean, mean_sqrt_len), then optionally scaled to unit length.
 *
 * <p>Sums run in double and are rounded once, so an embedding does not depend on how many tokens
 * were added in which order. Normalizing is a separate step on the pooled float vector, so an
 * embedding normalized later (a server asked for it per request) is bit-identical to one
 * normalized here.
 */
public record Pooling(List<Mode> modes, boolean normalize) {
    public enum Mode {
        /** The first token's hidden state ([CLS] / &lt;s&gt;). */
        CLS,
        /** The largest value of each dimension over the tokens. */
        MAX,
        /** The mean over the tokens. */
        MEAN,
        /** The sum over the tokens divided by √tokens. */
        MEAN_SQRT_LEN
    }

    public Pooling {
        modes = List.copyOf(modes);
        if (modes.isEmpty()) {
            throw new IllegalArgumentException("pooling needs at least one mode");
        }
    }

    /** Mean pooling, the sentence-transformers default for a model without its own Pooling module. */
    public static Pooling mean(boolean normalize) {
        return new Pooling(List.of(Mode.MEAN), normalize);
    }

    public Pooling withNormalize(boolean normalize) {
        return new Pooling(modes, normalize);
    }

    /** Only the first token is read: the encoder's last layer can skip the other rows. */
    public boolean firstTokenOnly() {
        return modes.equals(List.of(Mode.CLS));
    }

    public int dimension(int hidden) {
        return modes.size() * hidden;
    }

    /** The embedding of the sequence whose {@code n} token rows start at row {@code first} of states. */
    public float[] pool(float[] states, int first, int n, int hidden) {
        double[] out = new double[dimension(hidden)];
        int at = 0;
        for (Mode mode : modes) {
            int base = first * hidden;
            switch (mode) {
                case CLS -> {
                    for (int i = 0; i < hidden; i++) {
                        out[at + i] = states[base + i];
                    }
                }
                case MAX -> {
                    for (int i = 0; i < hidden; i++) {
                        double max = Double.NEGATIVE_INFINITY;
                        for (int t = 0; t < n; t++) {
                            max = Math.max(max, states[base + t * hidden + i]);
                        }
                        out[at + i] = max;
                    }
                }
                case MEAN, MEAN_SQRT_LEN -> {
                    double divisor = mode == Mode.MEAN ? n : Math.sqrt(n);
                    for (int i = 0; i < hidden; i++) {
                        double sum = 0;
                        for (int t = 0; t < n; t++) {
                            sum += states[base + t * hidden + i];
                        }
                        out[at + i] = sum / divisor;
                    }
                }
            }
            at += hidden;
        }
        float[] result = new float[out.length];
        for (int i = 0; i < out.length; i++) {
            result[i] = (float) out[i];
        }
        return normalize ? normalized(result) : result;
    }

    /** v / max(‖v‖, 1e-12), as torch.nn.functional.normalize, computed in double (a new array). */
    public static float[] normalized(float[] v) {
        double sq = 0;
        for (float x : v) {
            sq += (double) x * x;
        }
        double norm = Math.max(Math.sqrt(sq), 1e-12);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }
}
