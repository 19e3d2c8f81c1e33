package dev.rerank.weights;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Deterministic stand-in weights: every value is a pure function of (salt, tensor name, flat index),
 * so tests and benchmarks can run a full-size model with no 300 MB download, and any language can
 * rebuild the same tensors bit for bit.
 *
 * <p>The recipe: seed = FNV-1a-64(salt + "/" + name); z = splitmix64(seed + i);
 * u = ((z >>> 40) - 2^23) / 2^23 in [-1, 1); value = offset + scale · u, computed in double and
 * rounded once to float. The offset and scale of each tensor come from its kind in the model's
 * parameter table ({@code ParameterTable.synthetic}): a norm's scale 1 + u/4, biases and lookup
 * tables u/10, matrices u·√3·gain/√in.
 */
public final class SyntheticWeights implements WeightSource {
    /** One tensor to fill: value = offset + scale · u (just scale · u when offset is 0). */
    public record Tensor(String name, long[] shape, double offset, double scale) {}

    private final String salt;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, Tensor> fills;

    public SyntheticWeights(String salt, List<Tensor> tensors) {
        this.salt = salt;
        Map<String, TensorInfo> t = new LinkedHashMap<>();
        Map<String, Tensor> f = new LinkedHashMap<>();
        for (Tensor tensor : tensors) {
            t.put(tensor.name(), new TensorInfo(tensor.name(), DType.F32, tensor.shape()));
            f.put(tensor.name(), tensor);
        }
        this.tensors = Collections.unmodifiableMap(t);
        this.fills = f;
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
        Tensor fill = fills.get(name);
        if (fill == null) {
            throw new WeightsException("synthetic weights (salt " + salt + ") have no tensor named " + name);
        }
        long seed = fnv1a64(salt + "/" + name);
        for (int k = 0; k < count; k++) {
            double u = uniform(seed, from + k);
            dst[dstOffset + k] = (float) (fill.offset() == 0.0 ? u * fill.scale() : fill.offset() + fill.scale() * u);
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
