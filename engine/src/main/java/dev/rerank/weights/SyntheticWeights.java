package dev.rerank.weights;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Deterministic stand-in weights: every value is a pure function of (salt, tensor name, flat index),
 * so tests and benchmarks can run a full-size model with no 300 MB download, and any language can
 * rebuild the same tensors bit for bit.
 *
 * <p>The recipe: seed = FNV-1a-64(salt + "/" + name); z = splitmix64(seed + i);
 * u = ((z >>> 40) - 2^23) / 2^23 in [-1, 1); then per tensor kind a scale, computed in double and
 * rounded once to float: LayerNorm weights 1 + u/4, biases and embeddings u/10, other [out, in]
 * matrices u·√3·gain/√in (gain 1.5 for attention query/key, 3 for the classifier's out_proj).
 */
public final class SyntheticWeights implements WeightSource {
    private final String salt;
    private final Map<String, TensorInfo> tensors;

    /** @param shapes parameter names and shapes, e.g. {@link dev.rerank.model.ParameterTable#shapes} */
    public SyntheticWeights(String salt, Map<String, long[]> shapes) {
        this.salt = salt;
        Map<String, TensorInfo> t = new LinkedHashMap<>();
        shapes.forEach((name, shape) -> t.put(name, new TensorInfo(name, DType.F32, shape)));
        this.tensors = Collections.unmodifiableMap(t);
    }

    @Override
    public TensorInfo info(String name) {
        return tensors.get(name);
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public void read(String name, long from, float[] dst, int dstOffset, int count) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new WeightsException("synthetic weights (salt " + salt + ") have no tensor named " + name);
        }
        long seed = fnv1a64(salt + "/" + name);
        double scale;
        double offset = 0.0;
        if (name.endsWith("LayerNorm.weight")) {
            offset = 1.0;
            scale = 0.25;
        } else if (name.endsWith(".bias") || name.contains("embeddings")) {
            scale = 0.1;
        } else {
            long fanIn = info.shape()[info.shape().length - 1];
            scale = Math.sqrt(3.0) * gain(name) / Math.sqrt(fanIn);
        }
        for (int k = 0; k < count; k++) {
            double u = uniform(seed, from + k);
            dst[dstOffset + k] = (float) (offset == 0.0 ? u * scale : offset + scale * u);
        }
    }

    /** u_i in [-1, 1) for one tensor's seed. */
    static double uniform(long seed, long index) {
        long z = splitmix64(seed + index);
        return ((z >>> 40) - 8388608L) / 8388608.0;
    }

    static long splitmix64(long x) {
        x += 0x9E3779B97F4A7C15L;
        long z = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static long fnv1a64(String text) {
        long h = 0xCBF29CE484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001B3L;
        }
        return h;
    }

    private static double gain(String name) {
        if (name.endsWith("attention.self.query.weight") || name.endsWith("attention.self.key.weight")) {
            return 1.5;
        }
        return name.endsWith("classifier.out_proj.weight") ? 3.0 : 1.0;
    }

    public String salt() {
        return salt;
    }

    @Override
    public String description() {
        return "synthetic weights (salt " + salt + ")";
    }

    @Override
    public void close() {}
}
