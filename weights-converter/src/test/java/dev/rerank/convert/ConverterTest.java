package dev.rerank.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rerank.CrossEncoder;
import dev.rerank.model.ModelConfig;
import dev.rerank.model.ParameterTable;
import dev.rerank.weights.DType;
import dev.rerank.weights.Safetensors;
import dev.rerank.weights.SyntheticWeights;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConverterTest {
    private static final String WORD_EMBEDDINGS = "roberta.embeddings.word_embeddings.weight";
    private static final Path MARKER = Path.of("/tmp/rerank-converter-pwned-marker");

    @TempDir
    Path out;

    /** Every tensor of {@code actual} is byte-identical to the same tensor in {@code expected}. */
    private static void assertSameTensors(Path expected, Path actual, Set<String> skip) {
        try (Safetensors want = Safetensors.open(expected); Safetensors got = Safetensors.open(actual)) {
            int compared = 0;
            for (String name : want.names()) {
                if (skip.contains(name)) {
                    continue;
                }
                assertTrue(got.names().contains(name), "converted file lacks " + name);
                assertEquals(want.info(name).dtype(), got.info(name).dtype(), name);
                assertArrayEquals(want.info(name).shape(), got.info(name).shape(), name);
                assertArrayEquals(want.bytes(name).toArray(ValueLayout.JAVA_BYTE), got.bytes(name).toArray(ValueLayout.JAVA_BYTE), name);
                compared++;
            }
            assertEquals(want.names().size() - skip.size(), compared);
            assertEquals(compared, got.names().size(), "converted file has extra tensors");
        }
    }

    @Test
    void fullPyTorchCheckpointConvertsBitIdenticalAndPassesTheGoldenTest() throws IOException {
        Path model = Converter.convertPyTorch(TestData.file("models/tiny-roberta-pt/pytorch_model.bin"), out);
        assertSameTensors(TestData.file("models/tiny-roberta/model.safetensors"), model, Set.of());
        // With the config and tokenizer beside it, the converted model reproduces the golden logits.
        Files.copy(TestData.file("models/tiny-roberta/config.json"), out.resolve("config.json"));
        Files.copy(TestData.file("models/tiny-roberta/tokenizer.json"), out.resolve("tokenizer.json"));
        assertGolden(out, "model-tiny.json");
        try (var files = Files.list(out)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".partial")), "temp file left behind");
        }
    }

    private static void assertGolden(Path modelDir, String goldenFile) throws IOException {
        JsonObject golden = JsonParser.parseString(Files.readString(TestData.file(goldenFile))).getAsJsonObject();
        List<CrossEncoder.Pair> pairs = new ArrayList<>();
        List<Double> logits = new ArrayList<>();
        for (JsonElement e : golden.getAsJsonArray("pairs")) {
            JsonObject p = e.getAsJsonObject();
            pairs.add(new CrossEncoder.Pair(p.get("a").getAsString(), p.get("b").getAsString()));
            logits.add(p.getAsJsonArray("logits").get(0).getAsDouble());
        }
        try (CrossEncoder m = CrossEncoder.builder(modelDir).threads(1).build()) {
            float[][] got = m.predict(pairs, CrossEncoder.Output.LOGITS);
            for (int i = 0; i < got.length; i++) {
                assertEquals(logits.get(i), got[i][0], 1e-4, goldenFile + " pair " + i);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
            "zip-plain-dict.bin, tiny-roberta",
            "legacy-format.bin, tiny-roberta",
            "ordereddict-metadata.bin, tiny-roberta",
            "shared-and-strided.bin, tiny-roberta",
            "float16.bin, tiny-roberta-float16",
            "bfloat16.bin, tiny-roberta-bfloat16",
            "sharded/pytorch_model.bin.index.json, tiny-roberta"})
    void checkpointVariantsConvertCorrectly(String checkpoint, String expected) {
        Path model = Converter.convertPyTorch(TestData.file("models/checkpoints/" + checkpoint), out);
        // These variants leave out the word embeddings to stay small (see their README).
        assertSameTensors(TestData.file("models/" + expected + "/model.safetensors"), model, Set.of(WORD_EMBEDDINGS));
    }

    @ParameterizedTest
    @CsvSource({
            "malicious-system.bin, system",
            "malicious-eval.bin, eval",
            "malicious-popen.bin, Popen",
            "malicious-legacy.bin, system"})
    void maliciousPicklesAreRefusedAndNothingRuns(String file, String callable) throws IOException {
        Files.deleteIfExists(MARKER);
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Converter.convertPyTorch(TestData.file("models/checkpoints/" + file), out));
        assertTrue(e.getMessage().contains("refusing to load"), e.getMessage());
        assertTrue(e.getMessage().matches("(?s).*global \\S*" + callable + ",.*"), e.getMessage());
        assertFalse(Files.exists(MARKER), "the payload ran");
        assertFalse(Files.exists(out.resolve("model.safetensors")), "a file was written for a refused checkpoint");
    }

    @ParameterizedTest
    @CsvSource({
            "corrupt-truncated.bin, truncated or corrupt",
            "corrupt-missing-storage.bin, is missing from the zip",
            "corrupt-short-storage.bin, corrupt or truncated storage"})
    void corruptCheckpointsGiveClearErrors(String file, String expected) {
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Converter.convertPyTorch(TestData.file("models/checkpoints/" + file), out));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains(file), "the message names the file: " + e.getMessage());
    }

    @Test
    void handMadeBadPicklesGiveClearErrors() throws IOException {
        // Legacy header pickles, then an object pickle with an unknown opcode 0xff.
        byte[] legacy = Files.readAllBytes(TestData.file("models/checkpoints/legacy-format.bin"));
        byte[] unknown = java.util.Arrays.copyOf(legacy, 140);
        unknown[139] = (byte) 0xFF;
        Path p = out.resolve("unknown-opcode.bin");
        Files.write(p, unknown);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Converter.inspect(p));
        assertTrue(e.getMessage().contains("unsupported pickle opcode 0xff"), e.getMessage());

        // A BINUNICODE claiming 2 GiB: refused before any allocation.
        byte[] huge = java.util.Arrays.copyOf(legacy, 144);
        huge[137] = (byte) 0x80;
        huge[138] = 2;
        huge[139] = 'X';
        huge[140] = (byte) 0xFF;
        huge[141] = (byte) 0xFF;
        huge[142] = (byte) 0xFF;
        huge[143] = 0x7F;
        Path q = out.resolve("absurd-length.bin");
        Files.write(q, huge);
        e = assertThrows(CheckpointException.class, () -> Converter.inspect(q));
        assertTrue(e.getMessage().contains("runs past the end"), e.getMessage());

        Path r = out.resolve("text.bin");
        Files.writeString(r, "hello world");
        e = assertThrows(CheckpointException.class, () -> Converter.inspect(r));
        assertTrue(e.getMessage().contains("neither a zip nor a legacy"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"BF16", "F16"})
    void dtypeConversionMatchesTheReferenceRounding(String dtype) throws IOException {
        Path target = out.resolve("model.safetensors");
        Converter.convertDtype(TestData.file("models/tiny-roberta/model.safetensors"), target, DType.valueOf(dtype));
        String dir = dtype.equals("BF16") ? "tiny-roberta-bfloat16" : "tiny-roberta-float16";
        assertSameTensors(TestData.file("models/" + dir + "/model.safetensors"), target, Set.of());
        // Config and tokenizer came along, so the output loads; the reference's config names its dtype.
        assertEquals(Files.readString(TestData.file("models/tiny-roberta/tokenizer.json")), Files.readString(out.resolve("tokenizer.json")));
        Files.copy(TestData.file("models/" + dir + "/config.json"), out.resolve("config.json"), StandardCopyOption.REPLACE_EXISTING);
        assertGolden(out, dtype.equals("BF16") ? "model-tiny-bfloat16.json" : "model-tiny-float16.json");
        // And back to F32: widening is exact.
        Converter.convertDtype(target, out.resolve("back.safetensors"), DType.F32);
        assertEquals(DType.F32, Converter.inspect(out.resolve("back.safetensors")).get(0).dtype());
    }

    @Test
    void synthReproducesTheGoldenTensors() throws IOException {
        JsonObject golden = JsonParser.parseString(Files.readString(TestData.file("model-distilroberta-shape.json"))).getAsJsonObject();
        Path config = out.resolve("src-config.json");
        JsonObject c = golden.getAsJsonObject("config").deepCopy();
        c.add("architectures", new JsonArray());
        Files.writeString(config, c.toString());
        Path file = Converter.synthesize(config, "golden-768", out, DType.F32);
        // Values printed by the reference synthetic.py for salt golden-768.
        try (Safetensors st = Safetensors.open(file)) {
            assertValue(st, WORD_EMBEDDINGS, 0, 0.08431662619113922f);
            assertValue(st, WORD_EMBEDDINGS, 1, -0.07188663631677628f);
            assertValue(st, WORD_EMBEDDINGS, 38603519, 0.0563712939620018f);
            assertValue(st, "roberta.encoder.layer.0.attention.self.query.weight", 12345, 0.06287361681461334f);
            assertValue(st, "roberta.encoder.layer.5.output.LayerNorm.weight", 7, 1.1415133476257324f);
            assertValue(st, "classifier.out_proj.weight", 767, -0.07695311307907104f);
            assertValue(st, "roberta.encoder.layer.3.intermediate.dense.bias", 3071, -0.010171949863433838f);
            assertEquals(ParameterTable.of(ModelConfig.load(config)).shapes().size(), st.names().size());
        }
        assertTrue(Files.exists(out.resolve("config.json")));
        long params = Converter.inspect(file).stream().mapToLong(Converter.Row::parameters).sum();
        assertEquals(82_119_169L, params);
    }

    private static void assertValue(Safetensors st, String name, long index, float expected) {
        float[] v = new float[1];
        st.read(name, index, v, 0, 1);
        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(v[0]), name + "[" + index + "]");
    }

    @Test
    void synthesizedTinyEqualsTheSyntheticSource() {
        ModelConfig config = ModelConfig.load(TestData.file("models/tiny-roberta/config.json"));
        Path file = Converter.synthesize(TestData.file("models/tiny-roberta/config.json"), "tiny", out, DType.F32);
        assertSameTensors(TestData.file("models/tiny-roberta/model.safetensors"), file, Set.of());
        assertEquals(ParameterTable.of(config).synthetic("tiny").names(), Converter.inspect(file).stream()
                .map(Converter.Row::name).collect(java.util.stream.Collectors.toCollection(java.util.LinkedHashSet::new)));
    }
}
