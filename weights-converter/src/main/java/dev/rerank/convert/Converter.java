package dev.rerank.convert;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.rerank.io.BoundedFiles;
import dev.rerank.io.StrictJson;
import dev.rerank.model.ModelConfig;
import dev.rerank.model.ParameterTable;
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
import java.util.function.LongConsumer;

/** The converter's library API: PyTorch or ONNX → safetensors, dtype changes, inspection and synthetic models. */
public final class Converter {
    /** A shard index lists each tensor once: megabytes for the largest models; more is not an index. */
    /** The files a model's tokenizer may come in. */
    private static final List<String> TOKENIZER_FILES = List.of(
            "tokenizer.json", "tokenizer_config.json", "vocab.json", "merges.txt", "vocab.txt", "special_tokens_map.json");
    /** What a converted model takes along from its source directory, and nothing else. */
    private static final List<String> SIDE_FILES = List.of("config.json", "tokenizer.json", "tokenizer_config.json", "vocab.json",
            "merges.txt", "vocab.txt", "special_tokens_map.json", "added_tokens.json", "sentencepiece.bpe.model", "spiece.model",
            "tokenizer.model", "modules.json", "sentence_bert_config.json", "config_sentence_transformers.json");

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
        return convertPyTorch(input, outDir, ConversionProgress.NONE);
    }

    /** {@link #convertPyTorch(Path, Path)}, telling {@code progress} how reading and writing advance. */
    public static Path convertPyTorch(Path input, Path outDir, ConversionProgress progress) {
        Path dir = Files.isDirectory(input) ? input : input.toAbsolutePath().getParent();
        Path source = input;
        if (Files.isDirectory(input)) {
            Path index = input.resolve("pytorch_model.bin.index.json");
            source = Files.exists(index) ? index : input.resolve("pytorch_model.bin");
        }
        List<Tensor> tensors;
        if (source.getFileName().toString().endsWith(".json")) {
            tensors = readSharded(source, progress);
        } else {
            tensors = TorchCheckpoint.read(source, ReadProgress.over(progress, List.of(source))::advance);
        }
        if (tensors.isEmpty()) {
            throw new CheckpointException(source + ": the state dict holds no tensors");
        }
        Path target = outDir.resolve("model.safetensors");
        SafetensorsWriter.write(target, tensors, progress);
        if (!dir.toAbsolutePath().normalize().equals(outDir.toAbsolutePath().normalize())) {
            copySideFiles(dir, outDir);
        }
        return target;
    }

    /**
     * Whether {@code input} is an ONNX model: a {@code .onnx} file, or a directory holding
     * {@code model.onnx} and no PyTorch checkpoint.
     */
    public static boolean isOnnx(Path input) {
        if (Files.isDirectory(input)) {
            return Files.isRegularFile(input.resolve("model.onnx")) && !Files.exists(input.resolve("pytorch_model.bin"))
                    && !Files.exists(input.resolve("pytorch_model.bin.index.json"));
        }
        return input.getFileName() != null && input.getFileName().toString().endsWith(".onnx");
    }

    /**
     * Imports a BERT/RoBERTa encoder exported to ONNX (a {@code .onnx} file, or a directory holding
     * {@code model.onnx}) as {@code outDir/model.safetensors} under Hugging Face parameter names,
     * and copies the directory's other small files along. The config.json beside the model, if
     * any, is what the tensors are checked against (see {@link OnnxImport}).
     *
     * @return the written safetensors file
     */
    public static Path convertOnnx(Path input, Path outDir) {
        return convertOnnx(input, outDir, ConversionProgress.NONE);
    }

    /** {@link #convertOnnx(Path, Path)}, telling {@code progress} how reading and writing advance. */
    public static Path convertOnnx(Path input, Path outDir, ConversionProgress progress) {
        Path onnx = Files.isDirectory(input) ? input.resolve("model.onnx") : input;
        Path dir = onnx.toAbsolutePath().getParent();
        List<Tensor> tensors = readOnnx(onnx, ReadProgress.over(progress, List.of(onnx))::advance);
        Path target = outDir.resolve("model.safetensors");
        SafetensorsWriter.write(target, tensors, progress);
        if (!dir.normalize().equals(outDir.toAbsolutePath().normalize())) {
            copySideFiles(dir, outDir);
        }
        return target;
    }

    /** The mapped tensors of an ONNX export, checked against the config.json beside it (or in the folder above onnx/). */
    static List<Tensor> readOnnx(Path onnx, LongConsumer bytesRead) {
        Path dir = onnx.toAbsolutePath().getParent();
        Path config = dir.resolve("config.json");
        if (!Files.exists(config) && dir.getFileName() != null && dir.getFileName().toString().equals("onnx")) {
            config = dir.getParent().resolve("config.json"); // the hub's Xenova/optimum layout: onnx/model.onnx
        }
        byte[] bytes;
        if (Files.exists(onnx) && !Files.isRegularFile(onnx)) { // a FIFO would block the open below
            throw new CheckpointException(onnx + ": not a regular file (a directory, FIFO or device)");
        }
        try {
            if (Files.size(onnx) > Integer.MAX_VALUE - 64) {
                throw new CheckpointException(onnx + ": larger than 2 GiB, which a protobuf file cannot be; "
                        + "models this large keep their weights as external data, which is not supported");
            }
            bytes = ReadProgress.readAll(onnx, Files.size(onnx), bytesRead);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CheckpointException("ONNX model not found: " + onnx);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + onnx + ": " + e.getMessage(), e);
        }
        OnnxGraph graph = OnnxGraph.parse(bytes, onnx.toString());
        return OnnxImport.tensors(graph, Files.exists(config) ? ModelConfig.load(config) : null, onnx.toString());
    }

    private static List<Tensor> readSharded(Path index, ConversionProgress progress) {
        Map<String, Path> shards = new LinkedHashMap<>();
        TorchCheckpoint.requireRegularFile(index);
        try {
            JsonElement root = StrictJson.parse(BoundedFiles.readString(index, BoundedFiles.INDEX_BYTES, "shard index"));
            JsonObject map = root.getAsJsonObject().getAsJsonObject("weight_map");
            for (Map.Entry<String, JsonElement> e : map.entrySet()) {
                if (!(e.getValue() instanceof JsonPrimitive p) || !p.isString()) {
                    throw new CheckpointException(index + ": weight_map value for " + PickleValues.clip(e.getKey())
                            + " is not a file name string");
                }
                String file = p.getAsString();
                if (file.isEmpty() || file.contains("/") || file.contains("\\") || file.startsWith(".") || file.indexOf(0) >= 0) {
                    throw new CheckpointException(index + ": shard name " + PickleValues.clip(file) + " must be a plain file name");
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
        // A missing shard is named before minutes go into reading the others (and before the read count's total is taken).
        shards.values().forEach(TorchCheckpoint::requireRegularFile);
        ReadProgress read = ReadProgress.over(progress, shards.values());
        for (Path shard : shards.values()) {
            for (Tensor t : TorchCheckpoint.read(shard, read::advance)) {
                if (!names.add(t.name())) {
                    throw new CheckpointException(shard + ": tensor " + t.name() + " appears in two shards");
                }
                all.add(t);
            }
        }
        return all;
    }

    /**
     * Copies the model's own small files from {@code from} to {@code to}: an allow-list (config,
     * tokenizer, sentence-transformers files and the module folders modules.json names), never
     * whatever else lies beside the weights (a .env, a key), and never through a link that leaves
     * the source directory — except into the blobs of a Hugging Face cache snapshot, whose files
     * are all such links.
     */
    private static void copySideFiles(Path from, Path to) {
        try {
            List<Path> roots = new ArrayList<>(List.of(from.toRealPath()));
            Path abs = from.toAbsolutePath().normalize();
            if (abs.getParent() != null && abs.getParent().getFileName() != null
                    && abs.getParent().getFileName().toString().equals("snapshots")
                    && Files.isDirectory(abs.getParent().resolveSibling("blobs"))) {
                roots.add(abs.getParent().resolveSibling("blobs").toRealPath());
            }
            List<String> names = new ArrayList<>(SIDE_FILES);
            for (String module : moduleFolders(from)) {
                names.add(module + "/config.json");
            }
            for (String name : names) {
                Path f = from.resolve(name);
                if (!Files.isRegularFile(f) || Files.size(f) >= (64L << 20)) {
                    continue;
                }
                Path real = f.toRealPath();
                if (roots.stream().noneMatch(real::startsWith)) {
                    throw new CheckpointException(f + " is a link to " + real + ", outside the model directory: not copied");
                }
                Path target = to.resolve(name);
                Files.createDirectories(target.getParent());
                Files.copy(real, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot copy model files from " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    /** The folders of a sentence-transformers modules.json (1_Pooling, ...): one plain name each, else skipped. */
    private static List<String> moduleFolders(Path dir) {
        List<String> out = new ArrayList<>();
        Path modules = dir.resolve("modules.json");
        if (!Files.isRegularFile(modules)) {
            return out;
        }
        try {
            JsonElement root = StrictJson.parse(BoundedFiles.readString(modules, BoundedFiles.CONFIG_BYTES, "modules.json"));
            for (JsonElement m : root.getAsJsonArray()) {
                JsonElement path = m.getAsJsonObject().get("path");
                String p = path != null && path.isJsonPrimitive() ? path.getAsString() : "";
                if (p.matches("[A-Za-z0-9_-][A-Za-z0-9._-]*") && !p.equals("..")) {
                    out.add(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(modules + ": cannot read its module list: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Rewrites a safetensors file with every float tensor in {@code dtype} (round to nearest even).
     * Written into another directory, the model's other small files (config, tokenizer) go along,
     * so the output loads on its own.
     */
    public static void convertDtype(Path input, Path output, DType dtype) {
        convertDtype(input, output, dtype, ConversionProgress.NONE);
    }

    /** {@link #convertDtype(Path, Path, DType)}, telling {@code progress} how reading and writing advance. */
    public static void convertDtype(Path input, Path output, DType dtype, ConversionProgress progress) {
        if (!DTypes.isFloat(dtype)) {
            throw new IllegalArgumentException("target dtype must be F32, F16 or BF16, got " + dtype);
        }
        List<Tensor> tensors = new ArrayList<>();
        ReadProgress read = ReadProgress.over(progress, List.of(input));
        try (Safetensors in = Safetensors.open(input)) {
            long counted = 0;
            for (String name : in.names()) {
                TensorInfo info = in.info(name);
                byte[] raw = in.bytes(name).toArray(ValueLayout.JAVA_BYTE);
                tensors.add(DTypes.convert(new Tensor(name, info.dtype(), info.shape(), raw), dtype));
                counted += raw.length;
                read.advance(raw.length);
            }
            read.advance(Files.size(input) - counted); // the header, read when the file was opened
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + input + ": " + e.getMessage(), e);
        }
        SafetensorsWriter.write(output, tensors, progress);
        Path from = input.toAbsolutePath().getParent();
        Path to = output.toAbsolutePath().getParent();
        if (!from.normalize().equals(to.normalize())) {
            copySideFiles(from, to);
        }
    }

    /** The tensors of a safetensors file, a PyTorch checkpoint, or an ONNX export (as they are mapped). */
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
            for (Tensor t : isOnnx(file) ? readOnnx(file, bytes -> {}) : TorchCheckpoint.read(file)) {
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
        ModelConfig config = ModelConfig.load(configJson);
        List<Tensor> tensors = new ArrayList<>();
        try (SyntheticWeights w = ParameterTable.of(config).synthetic(salt)) {
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
