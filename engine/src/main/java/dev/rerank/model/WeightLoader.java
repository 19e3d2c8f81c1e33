package dev.rerank.model;

import dev.rerank.kernels.PackedMatrix;
import dev.rerank.weights.TensorInfo;
import dev.rerank.weights.WeightSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads named tensors for the model, each checked against the {@link ParameterTable}: present, with
 * the shape config.json implies, in a supported dtype. Every weight is copied once, from the source
 * straight into the layout its kernel reads.
 */
final class WeightLoader {
    private final WeightSource source;
    private final Map<String, long[]> expected;

    WeightLoader(ParameterTable table, WeightSource source) {
        this.source = source;
        this.expected = table.shapes();
        List<String> missing = new ArrayList<>();
        for (String name : expected.keySet()) {
            if (source.info(name) == null) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new ModelException(source.description() + ": missing tensor " + missing.get(0)
                    + (missing.size() > 1 ? " (and " + (missing.size() - 1) + " more)" : "")
                    + " for a " + table.config().className() + " of " + table.config().numLayers() + " layers");
        }
    }

    private TensorInfo check(String name) {
        TensorInfo info = source.info(name);
        long[] want = expected.get(name);
        if (want == null) {
            throw new IllegalStateException("tensor " + name + " is not in the parameter table");
        }
        if (!Arrays.equals(want, info.shape())) {
            throw new ModelException(source.description() + ": tensor " + name + " has shape "
                    + info.shapeText() + " but config.json implies " + Arrays.toString(want));
        }
        if (!info.dtype().isSupported()) {
            throw new ModelException(source.description() + ": tensor " + name + " has dtype " + info.dtype()
                    + "; only F32, F16 and BF16 are supported");
        }
        return info;
    }

    float[] vector(String name) {
        TensorInfo info = check(name);
        float[] out = new float[Math.toIntExact(info.elementCount())];
        source.read(name, 0, out, 0, out.length);
        return out;
    }

    /** A Linear layer: {@code prefix.weight} [out, in] and {@code prefix.bias} [out]. */
    PackedMatrix linear(String prefix) {
        return stacked(prefix);
    }

    /** Several Linear layers with one input, packed as one wider matrix (outputs side by side). */
    PackedMatrix stacked(String... prefixes) {
        int in = 0;
        int[] outs = new int[prefixes.length];
        int total = 0;
        for (int i = 0; i < prefixes.length; i++) {
            TensorInfo w = check(prefixes[i] + ".weight");
            outs[i] = (int) w.shape()[0];
            in = (int) w.shape()[1];
            total += outs[i];
        }
        float[] bias = new float[total];
        for (int i = 0, at = 0; i < prefixes.length; at += outs[i], i++) {
            float[] b = vector(prefixes[i] + ".bias");
            System.arraycopy(b, 0, bias, at, b.length);
        }
        final int width = in;
        return PackedMatrix.pack(total, in, (row, dst) -> {
            int m = 0;
            int r = row;
            while (r >= outs[m]) {
                r -= outs[m++];
            }
            source.read(prefixes[m] + ".weight", (long) r * width, dst, 0, width);
        }, bias);
    }
}
