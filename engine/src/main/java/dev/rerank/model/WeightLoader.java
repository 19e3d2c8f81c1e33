package dev.rerank.model;

import dev.rerank.kernels.HalfFloats;
import dev.rerank.kernels.PackedMatrix;
import dev.rerank.weights.DType;
import dev.rerank.weights.TensorInfo;
import dev.rerank.weights.WeightSource;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads the recipe's parameters for the model, each checked against the {@link ParameterTable}:
 * present, with the shape config.json implies, in a supported dtype; and no tensor of the encoder's
 * layers left unread. Every weight is copied once, from the source straight into the layout its
 * kernel reads.
 *
 * <p>Matrices and embedding tables keep their stored precision: F16 and BF16 stay 16-bit (the
 * kernels widen them exactly), unless float32 is requested. With BF16 requested, float32 ones are
 * rounded to BF16 (nearest even) — half the memory and bytes streamed, for a bounded accuracy
 * cost. Biases and LayerNorm parameters are always float32: they are a rounding error in size,
 * and every activation passes through them. 16-bit weights go to off-heap memory of the arena the
 * caller gives (see {@link PackedMatrix}).
 */
final class WeightLoader {
    private final WeightSource source;
    private final ParameterTable table;
    private final Map<String, long[]> expected;
    private final DType requested; // null: as stored
    private final Arena arena;
    private long bytes;

    /** Keeps every weight as stored; 16-bit ones in memory freed once nothing refers to it. */
    WeightLoader(ParameterTable table, WeightSource source) {
        this(table, source, null, Arena.ofAuto());
    }

    /** @param arena where 16-bit weights go; they can be used until it is closed */
    WeightLoader(ParameterTable table, WeightSource source, DType requested, Arena arena) {
        if (requested != null && requested != DType.F32 && requested != DType.BF16) {
            throw new IllegalArgumentException("weights can be kept as stored, as F32 or as BF16, not " + requested);
        }
        this.source = source;
        this.table = table;
        this.expected = table.shapes();
        this.requested = requested;
        this.arena = arena;
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
        List<String> unexpected = table.unexpected(source);
        if (!unexpected.isEmpty()) {
            throw new ModelException(source.description() + ": tensor " + unexpected.get(0)
                    + (unexpected.size() > 1 ? " (and " + (unexpected.size() - 1) + " more)" : "")
                    + " is not a parameter of a " + table.config().className() + " of " + table.config().numLayers()
                    + " layers: config.json does not describe these weights");
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

    /** A vector parameter as float32, or null for an absent (optional) one. */
    float[] vector(Recipe.Param p) {
        return p == null ? null : vector(table.name(p));
    }

    /** A norm's γ and β as its block. */
    Norm norm(Recipe.Norm n) {
        return n.kind() == Recipe.NormKind.NONE ? Norm.NONE
                : new Norm(n.kind(), vector(n.weight()), vector(n.bias()), (float) n.eps());
    }

    private float[] vector(String name) {
        TensorInfo info = check(name);
        float[] out = new float[Math.toIntExact(info.elementCount())];
        source.read(name, 0, out, 0, out.length);
        bytes += 4L * out.length;
        return out;
    }

    /** Bytes of everything loaded so far, as held in memory. */
    long bytes() {
        return bytes;
    }

    /** An embedding table [rows, width], kept in the format {@link #format} picks. */
    EmbeddingTable table(Recipe.Param p) {
        if (p == null) {
            return null;
        }
        String name = table.name(p);
        TensorInfo info = check(name);
        int width = (int) info.shape()[1];
        DType format = format(name);
        if (format == DType.F32) {
            return EmbeddingTable.of(width, vector(name));
        }
        MemorySegment patterns = arena.allocate(2 * info.elementCount(), 64);
        HalfReader reader = halves(name, format);
        short[] row = new short[width];
        for (int r = 0; r < info.shape()[0]; r++) { // by row: no float copy of the whole table
            reader.row((long) r * width, width, row, 0);
            MemorySegment.copy(row, 0, patterns, ValueLayout.JAVA_SHORT, 2L * r * width, width);
        }
        bytes += 2 * info.elementCount();
        return EmbeddingTable.of(width, format, patterns);
    }

    /**
     * How weights made of these stored tensors are kept: float32 if requested; their own 16-bit
     * format if they all share one; BF16 if requested and none is F16 (F16 → BF16 would drop 3
     * mantissa bits that the file has, so F16 stays F16 or, mixed with F32, becomes F32).
     */
    private DType format(String... names) {
        DType stored = check(names[0]).dtype();
        boolean anyF16 = false;
        for (String n : names) {
            DType d = check(n).dtype();
            anyF16 |= d == DType.F16;
            if (d != stored) {
                stored = null;
            }
        }
        if (requested == DType.F32) {
            return DType.F32;
        }
        if (stored == DType.F16 || stored == DType.BF16) {
            return stored;
        }
        return requested == DType.BF16 && !anyF16 ? DType.BF16 : DType.F32;
    }

    /** Reads elements of one tensor as {@code format} patterns: copied if stored so, else rounded to BF16. */
    private interface HalfReader {
        void row(long from, int count, short[] dst, int at);
    }

    private HalfReader halves(String name, DType format) {
        if (check(name).dtype() == format) {
            return (from, count, dst, at) -> source.readHalves(name, from, dst, at, count);
        }
        return (from, count, dst, at) -> {
            float[] values = new float[count];
            source.read(name, from, values, 0, count);
            for (int i = 0; i < count; i++) {
                dst[at + i] = HalfFloats.toBfloat16(values[i]);
            }
        };
    }

    /** A Linear layer: weight [out, in] and bias [out] (zeros where the layer has none). */
    PackedMatrix linear(Recipe.Linear linear) {
        return linear == null ? null : stacked(List.of(linear));
    }

    /** Several Linear layers with one input, packed as one wider matrix (outputs side by side). */
    PackedMatrix stacked(List<Recipe.Linear> linears) {
        String[] names = new String[linears.size()];
        int[] starts = new int[linears.size() + 1]; // output row where each matrix begins
        int in = 0;
        for (int i = 0; i < names.length; i++) {
            names[i] = table.name(linears.get(i).weight());
            TensorInfo w = check(names[i]);
            starts[i + 1] = starts[i] + (int) w.shape()[0];
            in = (int) w.shape()[1];
        }
        int total = starts[names.length];
        float[] bias = new float[total];
        for (int i = 0; i < names.length; i++) {
            float[] b = vector(linears.get(i).bias());
            if (b != null) {
                System.arraycopy(b, 0, bias, starts[i], b.length);
            }
        }
        final int width = in;
        DType format = format(names);
        bytes += (long) total * in * (format == DType.F32 ? 4 : 2);
        if (format == DType.F32) {
            return PackedMatrix.pack(total, in, (row, dst) -> {
                int m = part(starts, row);
                source.read(names[m], (long) (row - starts[m]) * width, dst, 0, width);
            }, bias);
        }
        HalfReader[] readers = new HalfReader[names.length];
        for (int i = 0; i < names.length; i++) {
            readers[i] = halves(names[i], format);
        }
        return PackedMatrix.pack(format, total, in, (row, dst) -> {
            int m = part(starts, row);
            readers[m].row((long) (row - starts[m]) * width, width, dst, 0);
        }, bias, arena);
    }

    /** Which stacked matrix output row {@code row} belongs to. */
    private static int part(int[] starts, int row) {
        int m = 0;
        while (row >= starts[m + 1]) {
            m++;
        }
        return m;
    }
}
