package dev.rerank.model.family;

import dev.rerank.model.Recipe.Kind;
import dev.rerank.model.Recipe.Linear;
import dev.rerank.model.Recipe.Norm;
import dev.rerank.model.Recipe.NormKind;
import dev.rerank.model.Recipe.Param;

/**
 * Shorthands the family files write their recipes with: each makes the parameters of one block,
 * named as the checkpoint names them. {@link #ENCODER}'s names get the encoder's prefix when the
 * checkpoint has one ("bert.embeddings..."); {@link #HEAD}'s never do ("classifier.weight").
 */
final class Parts {
    static final Parts ENCODER = new Parts(true);
    static final Parts HEAD = new Parts(false);

    private final boolean inEncoder;

    private Parts(boolean inEncoder) {
        this.inEncoder = inEncoder;
    }

    /** A lookup table [rows, width] (its full tensor name). */
    Param table(String name, long rows, long width) {
        return new Param(name, new long[] {rows, width}, Kind.TABLE, 1, inEncoder);
    }

    /** A 2-D weight [out, in] (its full tensor name). */
    Param matrix(String name, long out, long in) {
        return new Param(name, new long[] {out, in}, Kind.MATRIX, 1, inEncoder);
    }

    /** {@code name.weight} [out, in] and, if {@code bias}, {@code name.bias} [out]. */
    Linear linear(String name, int out, int in, boolean bias) {
        return linear(name, out, in, bias, 1);
    }

    /** The same, with the synthetic weights' gain (see {@link Kind#MATRIX}). */
    Linear linear(String name, int out, int in, boolean bias, double gain) {
        return new Linear(new Param(name + ".weight", new long[] {out, in}, Kind.MATRIX, gain, inEncoder),
                bias ? new Param(name + ".bias", new long[] {out}, Kind.BIAS, 1, inEncoder) : null);
    }

    /** A LayerNorm: {@code name.weight} and, if {@code bias}, {@code name.bias}. */
    Norm layerNorm(String name, int width, double eps, boolean bias) {
        return new Norm(NormKind.LAYER, new Param(name + ".weight", new long[] {width}, Kind.NORM_WEIGHT, 1, inEncoder),
                bias ? new Param(name + ".bias", new long[] {width}, Kind.NORM_BIAS, 1, inEncoder) : null, eps);
    }

    /** An RMSNorm: {@code name.weight}. */
    Norm rmsNorm(String name, int width, double eps) {
        return new Norm(NormKind.RMS, new Param(name + ".weight", new long[] {width}, Kind.NORM_WEIGHT, 1, inEncoder),
                null, eps);
    }
}
