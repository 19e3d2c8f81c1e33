package dev.rerank.convert;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rerank.model.RobertaConfig;
import dev.rerank.model.RobertaShapes;
import dev.rerank.weights.DType;
import dev.rerank.weights.Safetensors;
import dev.rerank.weights.SyntheticWeights;
import dev.rerank.weights.TensorInfo;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The converter's library API: PyTorch → safetensors, dtype changes, inspection and synthetic models. */
public final class Converter {
    /** The files a model's tokenizer may come in. */
    private static final List<String> TOKENIZER_FILES = List.of(
            "tokenizer.json", "tokenizer_config.json", "vocab.json", "merges.txt", "special_tokens_map.json");

    private Converter() {}

    /** One row of {@link #inspect}. */
    public record Row(String name, DType dtype, long[] shape, long bytes) {
        public long parameters() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /**
     * Converts a PyTorch checkpoint — a {@code .bin} file, a {@code pytorch_model.bin.index.json}
     * of shards, or a model directory holding either — into {@code outDir/model.safetensors}, and
     * copies the directory's other small files (config, tokenizer) along. Tensor bytes are unchanged.
     *
     * @return the written safetensors file
     */
    public static Path convertPyTorch(Path input, Path outDir) {
        Path dir = Files.isDirectory(input) ? input : input.toAbsolutePath().getParent();
        Path source = input;
        if (Files.isDirectory(input)) {
            Path index = input.resolve("pytorch_model.bin.index.json");
            source = Files.exists(index) ? index : input.resolve("pytorch_model.bin");
        }
        List<Tensor> tensors = source.getFileName().toString().endsWith(".json") ? readSharded(source) : TorchCheckpoint.read(source);
        if (tensors.isEmpty()) {
            throw new CheckpointException(source + ": the state dict holds no tensors");
        }
        Path target = outDir.resolve("model.safetensors");
        SafetensorsWriter.write(target, tensors);
        if (!dir.toAbsolutePath().normalize().equals(outDir.toAbsolutePath().normalize())) {
            copySideFiles(dir, outDir);
        }
        return target;
    }

    private static List<Tensor> readSharded(Path index) {
        Map<String, Path> shards = new LinkedHashMap<>();
        try {
            JsonElement root = JsonParser.parseString(Files.readString(index));
            JsonObject map = root.getAsJsonObject().getAsJsonObject("weight_map");
            for (Map.Entry<String, JsonElement> e : map.entrySet()) {
                String file = e.getValue().getAsString();
                if (file.contains("/") || file.contains("\\") || file.startsWith(".")) {
                    throw new CheckpointException(index + ": shard name " + file + " must be a plain file name");
                }
                shards.putIfAbsent(file, index.resolveSibling(file));
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + index + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof CheckpointException ce) {
                throw ce;
            }
            throw new CheckpointException(index + ": not a valid index (expected a \"weight_map\" object)", e);
        }
        List<Tensor> all = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (Path shard : shards.values()) {
            for (Tensor t : TorchCheckpoint.read(shard)) {
                if (!names.add(t.name())) {
                    throw new CheckpointException(shard + ": tensor " + t.name() + " appears in two shards");
                }
                all.add(t);
            }
        }
        return all;
    }

    private static void copySideFiles(Path from, Path to) {
        try (var files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                boolean weights = name.endsWith(".bin") || name.endsWith(".safetensors") || name.endsWith(".index.json")
                        || name.endsWith(".partial");
                if (Files.isRegularFile(f) && !weights && Files.size(f) < (64L << 20)) {
                    Files.copy(f, to.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot copy model files from " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    /**
     * Rewrites a safetensors file with every float tensor in {@code dtype} (round to nearest even).
     * Written into another directory, the model's other small files (config, tokenizer) go along,
     * so the output loads on its own.
     */
    public static void convertDtype(Path input, Path output, DType dtype) {
        if (!DTypes.isFloat(dtype)) {
            throw new IllegalArgumentException("target dtype must be F32, F16 or BF16, got " + dtype);
        }
        List<Tensor> tensors = new ArrayList<>();
        try (Safetensors in = Safetensors.open(input)) {
            for (String name : in.names()) {
                TensorInfo info = in.info(name);
                byte[] raw = in.bytes(name).toArray(ValueLayout.JAVA_BYTE);
                tensors.add(DTypes.convert(new Tensor(name, info.dtype(), info.shape(), raw), dtype));
            }
        }
        SafetensorsWriter.write(output, tensors);
        Path from = input.toAbsolutePath().getParent();
        Path to = output.toAbsolutePath().getParent();
        if (!from.normalize().equals(to.normalize())) {
            copySideFiles(from, to);
        }
    }

    /** The tensors of a safetensors file or a PyTorch checkpoint. */
    public static List<Row> inspect(Path file) {
        List<Row> rows = new ArrayList<>();
        if (file.getFileName().toString().endsWith(".safetensors")) {
            try (Safetensors in = Safetensors.open(file)) {
                for (String name : in.names()) {
                    TensorInfo info = in.info(name);
                    rows.add(new Row(name, info.dtype(), info.shape(), info.elementCount() * info.dtype().bytes));
                }
            }
        } else {
            for (Tensor t : TorchCheckpoint.read(file)) {
                rows.add(new Row(t.name(), t.dtype(), t.shape(), t.data().length));
            }
        }
        return rows;
    }

    /**
     * Writes {@code outDir/model.safetensors} with synthetic weights for the model {@code config}
     * describes (see {@link SyntheticWeights}), plus copies of the config and of the tokenizer
     * files beside it, so the output loads as a model.
     */
    public static Path synthesize(Path configJson, String salt, Path outDir, DType dtype) {
        RobertaConfig config = RobertaConfig.load(configJson);
        List<Tensor> tensors = new ArrayList<>();
        try (SyntheticWeights w = new SyntheticWeights(salt, RobertaShapes.of(config))) {
            for (String name : w.names()) {
                TensorInfo info = w.info(name);
                int n = Math.toIntExact(info.elementCount());
                float[] values = new float[n];
                w.read(name, 0, values, 0, n);
                ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(values);
                tensors.add(DTypes.convert(new Tensor(name, DType.F32, info.shape(), b.array()), dtype));
            }
        }
        Path target = outDir.resolve("model.safetensors");
        SafetensorsWriter.write(target, tensors);
        try {
            Path configCopy = outDir.resolve("config.json");
            if (!Files.exists(configCopy) || !Files.isSameFile(configJson, configCopy)) {
                Files.copy(configJson, configCopy, StandardCopyOption.REPLACE_EXISTING);
            }
            Path from = configJson.toAbsolutePath().getParent();
            for (String name : TOKENIZER_FILES) {
                Path f = from.resolve(name);
                if (Files.isRegularFile(f) && !(Files.exists(outDir.resolve(name)) && Files.isSameFile(f, outDir.resolve(name)))) {
                    Files.copy(f, outDir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot copy " + configJson + " to " + outDir + ": " + e.getMessage(), e);
        }
        return target;
    }
}
