package dev.rerank.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rerank.model.ModelConfig;
import dev.rerank.model.ParameterTable;
import dev.rerank.weights.DType;
import dev.rerank.weights.ModelWeights;
import dev.rerank.weights.WeightSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OnnxImportTest {
    private static final String QUERY = "encoder.layer.0.attention.self.query";

    @TempDir
    Path tmp;

    static List<Tensor> importOf(OnnxBuilder b, ModelConfig config) {
        return OnnxImport.tensors(OnnxGraph.parse(b.build(), "test.onnx"), config, "test.onnx");
    }

    static float[] floats(Tensor t) {
        Tensor f32 = DTypes.convert(t, DType.F32);
        float[] v = new float[f32.data().length / 4];
        ByteBuffer.wrap(f32.data()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }

    /** The import is exactly {@code b.expected}: names in the table's order, shapes, values. */
    static void assertImport(OnnxBuilder b, ModelConfig config, List<Tensor> got) {
        String first = b.expected.keySet().iterator().next();
        String prefix = first.substring(0, first.indexOf("embeddings."));
        Map<String, long[]> shapes = new ParameterTable(config, prefix, config.classifier()).shapes();
        assertEquals(List.copyOf(b.expected.keySet()), got.stream().map(Tensor::name).toList());
        for (Tensor t : got) {
            assertArrayEquals(shapes.get(t.name()), t.shape(), t.name());
            assertArrayEquals(b.expected.get(t.name()), floats(t), t.name());
        }
    }

    private static void assertRefused(OnnxBuilder b, ModelConfig config, String expected) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> importOf(b, config));
        assertTrue(e.getMessage().startsWith("test.onnx"), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static OnnxBuilder tiny(Consumer<OnnxBuilder> edit) {
        OnnxBuilder b = OnnxBuilder.tinyBert(OnnxBuilder.Storage.RAW_F32);
        edit.accept(b);
        return b;
    }

    @ParameterizedTest
    @EnumSource(OnnxBuilder.Storage.class)
    void everyStorageImportsTheExactParametersWithAndWithoutAConfig(OnnxBuilder.Storage storage) {
        OnnxBuilder b = OnnxBuilder.tinyBert(storage);
        ModelConfig config = OnnxBuilder.tinyConfig();
        assertImport(b, config, importOf(b, config));
        assertImport(b, config, importOf(b, null));
        DType stored = switch (storage) {
            case RAW_F32, FLOAT_DATA -> DType.F32;
            case RAW_F16, INT32_F16 -> DType.F16;
            case RAW_BF16 -> DType.BF16;
        };
        assertTrue(importOf(b, null).stream().allMatch(t -> t.dtype() == stored));
    }

    @Test
    void classifierExportsOfBertAndRobertaKeepTheirPrefixesAndHeads() {
        for (String dir : List.of("models/tiny-bert", "models/tiny-roberta")) {
            ModelConfig config = ModelConfig.load(TestData.file(dir + "/config.json"));
            OnnxBuilder b = OnnxBuilder.export(ParameterTable.of(config), OnnxBuilder.Storage.RAW_F32);
            assertImport(b, config, importOf(b, config));
            // Without the config the head is not an encoder parameter: refused rather than dropped.
            assertRefused(b, null, "are not parameters of a");
        }
    }

    @Test
    void convertWritesSafetensorsThatModelWeightsReadsAndCopiesTheConfig() throws IOException {
        OnnxBuilder b = OnnxBuilder.tinyBert(OnnxBuilder.Storage.RAW_F32);
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.write(src.resolve("model.onnx"), b.build());
        Files.copy(TestData.file("models/tiny-bert-onnx/config.json"), src.resolve("config.json"));
        Path out = tmp.resolve("out");
        assertTrue(Converter.isOnnx(src));
        assertEquals(out.resolve("model.safetensors"), Converter.convertOnnx(src, out));
        assertTrue(Files.exists(out.resolve("config.json")));
        assertTrue(!Files.exists(out.resolve("model.onnx")), "the .onnx is not a side file to copy");
        try (WeightSource w = ModelWeights.open(out)) {
            ModelConfig config = ModelConfig.load(out.resolve("config.json"));
            assertEquals("", ParameterTable.forWeights(config, w, false).prefix());
            assertEquals(b.expected.keySet(), w.names());
            for (Map.Entry<String, float[]> e : b.expected.entrySet()) {
                float[] got = new float[e.getValue().length];
                w.read(e.getKey(), 0, got, 0, got.length);
                assertArrayEquals(e.getValue(), got, e.getKey());
            }
        }
    }

    @Test
    void theCommittedTinyExportIsWhatTheBuilderWrites() throws IOException {
        // testdata/models/tiny-bert-onnx/model.onnx serves the CLI tests; regenerate it from
        // OnnxBuilder.tinyBert(RAW_F32).build() if the builder changes.
        assertArrayEquals(OnnxBuilder.tinyBert(OnnxBuilder.Storage.RAW_F32).build(),
                Files.readAllBytes(TestData.file("models/tiny-bert-onnx/model.onnx")));
        assertEquals(OnnxBuilder.tinyConfig(), ModelConfig.load(TestData.file("models/tiny-bert-onnx/config.json")));
    }

    @Test
    void gemmLinearsAreMappedWithOrWithoutTransB() {
        for (long transB : new long[] {0, 1}) {
            OnnxBuilder b = tiny(t -> {
                int mm = t.nodeIndex("/" + QUERY.replace('.', '/') + "/MatMul");
                OnnxBuilder.Node matmul = t.nodes.get(mm);
                String out = "/" + QUERY.replace('.', '/') + "/Add_output_0";
                t.nodes.set(mm, new OnnxBuilder.Node("Gemm", "/gemm", List.of(matmul.input0(), matmul.inputs().get(1),
                        QUERY + ".bias"), List.of(out), Map.of("transB", transB), ""));
                t.nodes.remove(mm + 1); // the Add
                if (transB == 1) {
                    int i = t.initializerIndex(matmul.inputs().get(1));
                    OnnxBuilder.Init w = t.initializers.get(i);
                    t.initializers.set(i, OnnxBuilder.Init.floats(w.name(), new long[] {w.dims()[1], w.dims()[0]},
                            t.expected.get(QUERY + ".weight"), OnnxBuilder.Storage.RAW_F32));
                }
            });
            assertImport(b, OnnxBuilder.tinyConfig(), importOf(b, OnnxBuilder.tinyConfig()));
        }
    }

    @Test
    void aMatMulWithoutAnAddOfANamedBiasIsRefused() {
        String path = "/" + QUERY.replace('.', '/');
        assertRefused(tiny(t -> t.nodes.remove(t.nodeIndex(path + "/Add"))), null, "is not followed by exactly one Add");
        assertRefused(tiny(t -> t.nodes.add(new OnnxBuilder.Node("Relu", "/relu", List.of(path + "/MatMul_output_0"),
                List.of("/relu_out")))), null, "is not followed by exactly one Add of a bias (its output feeds [Add, Relu])");
        assertRefused(tiny(t -> {
            int i = t.initializerIndex(QUERY + ".bias");
            t.initializers.set(i, t.initializers.get(i).named("onnx::Add_5"));
            int a = t.nodeIndex(path + "/Add");
            OnnxBuilder.Node add = t.nodes.get(a);
            t.nodes.set(a, new OnnxBuilder.Node("Add", add.name(), List.of("onnx::Add_5", add.inputs().get(1)), add.outputs()));
        }), null, "not of a named bias");
    }

    @Test
    void aNamedWeightUsedUnderAnotherNameIsRefused() {
        assertRefused(tiny(t -> {
            String anon = t.nodes.get(t.nodeIndex("/" + QUERY.replace('.', '/') + "/MatMul")).inputs().get(1);
            int i = t.initializerIndex(anon);
            t.initializers.set(i, t.initializers.get(i).named("encoder.layer.0.attention.self.key.weight"));
            t.nodes.replaceAll(n -> n.inputs().contains(anon) ? new OnnxBuilder.Node(n.op(), n.name(),
                    List.of(n.input0(), "encoder.layer.0.attention.self.key.weight"), n.outputs()) : n);
        }), null, "is used as " + QUERY + ".weight");
    }

    @Test
    void incompleteExtraOrMisshapenModelsAreRefused() {
        assertRefused(tiny(t -> t.initializers.remove(t.initializerIndex("encoder.layer.1.output.LayerNorm.bias"))),
                OnnxBuilder.tinyConfig(), "1 parameter(s) missing: encoder.layer.1.output.LayerNorm.bias");
        assertRefused(tiny(t -> t.initializers.add(OnnxBuilder.Init.floats("encoder.layer.0.attention.self.distance_embedding.weight",
                new long[] {4, 2}, new float[8], OnnxBuilder.Storage.RAW_F32))), null,
                "not parameters of a BertModel (a different model, or config.json is missing or wrong): "
                        + "encoder.layer.0.attention.self.distance_embedding.weight");
        ModelConfig wider = ModelConfig.fromJson(com.google.gson.JsonParser.parseString("""
                {"architectures": ["BertModel"], "model_type": "bert", "hidden_size": 8, "num_attention_heads": 2,
                 "num_hidden_layers": 2, "intermediate_size": 16, "max_position_embeddings": 16, "vocab_size": 20}
                """).getAsJsonObject(), "wider");
        assertRefused(tiny(t -> { }), wider, "encoder.layer.0.intermediate.dense.weight (from onnx::MatMul_");
        assertRefused(tiny(t -> t.initializers.add(OnnxBuilder.Init.floats("onnx::Mul_9", new long[] {8}, new float[8],
                OnnxBuilder.Storage.RAW_F32))), null, "cannot tell which parameter 1 unnamed initializer(s) are");
        assertRefused(tiny(t -> t.initializers.add(t.initializers.get(t.initializerIndex("embeddings.LayerNorm.bias")))),
                null, "two initializers are named embeddings.LayerNorm.bias");
        // Empty but absurd shapes pass the byte count and must still not become a config.
        assertRefused(tiny(t -> t.initializers.set(t.initializerIndex("embeddings.word_embeddings.weight"), new OnnxBuilder.Init(
                "embeddings.word_embeddings.weight", 1, new long[] {5_000_000_000L, 0}, null, null, new byte[0], false))),
                null, "the tensor shapes do not describe an encoder");
    }

    @Test
    void theConfigAboveAnOnnxFolderIsTheOneCheckedAgainst() throws IOException {
        // The hub's optimum/Xenova layout: config.json at the top, the export in onnx/model.onnx.
        Path onnx = Files.createDirectories(tmp.resolve("repo/onnx")).resolve("model.onnx");
        Files.write(onnx, OnnxBuilder.tinyBert(OnnxBuilder.Storage.RAW_F32).build());
        Files.writeString(tmp.resolve("repo/config.json"), Files.readString(TestData.file("models/tiny-bert-onnx/config.json"))
                .replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Converter.convertOnnx(onnx, tmp.resolve("out")));
        assertTrue(e.getMessage().contains("missing: encoder.layer.2.attention.self.query.weight"), e.getMessage());
        Files.copy(TestData.file("models/tiny-bert-onnx/config.json"), tmp.resolve("repo/config.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.exists(Converter.convertOnnx(onnx, tmp.resolve("out"))));
    }

    @Test
    void unsupportedStorageIsRefusedByName() {
        String words = "embeddings.word_embeddings.weight";
        assertRefused(tiny(t -> {
            int i = t.initializerIndex(words);
            OnnxBuilder.Init w = t.initializers.get(i);
            t.initializers.set(i, new OnnxBuilder.Init(words, w.dataType(), w.dims(), null, null, null, true));
        }), null, "tensor " + words + ": its data is stored outside the .onnx file (external data)");
        assertRefused(tiny(t -> {
            int i = t.initializerIndex(words);
            OnnxBuilder.Init w = t.initializers.get(i);
            t.initializers.set(i, new OnnxBuilder.Init(words, 11, w.dims(), null, null, new byte[8 * 160], false));
        }), null, "its ONNX data type is DOUBLE; only FLOAT, FLOAT16 and BFLOAT16");
        assertRefused(tiny(t -> {
            int i = t.initializerIndex(words);
            OnnxBuilder.Init w = t.initializers.get(i);
            t.initializers.set(i, new OnnxBuilder.Init(words, 1, w.dims(), null, null, new byte[4 * 159], false));
        }), null, "raw_data holds 636 bytes, dims [20, 8] of FLOAT need 640");
        assertRefused(tiny(t -> {
            int i = t.initializerIndex(words);
            t.initializers.set(i, new OnnxBuilder.Init(words, 1, new long[] {1L << 40, 1L << 40}, null, null, new byte[4], false));
        }), null, "overflow 64 bits");
        assertRefused(tiny(t -> {
            int i = t.initializerIndex(words);
            t.initializers.set(i, new OnnxBuilder.Init(words, 1, new long[] {1L << 20, 1L << 20}, null, null, new byte[4], false));
        }), null, "more than one array can hold");
        assertRefused(tiny(t -> t.nodes.add(new OnnxBuilder.Node("DequantizeLinear", "/dq", List.of("a", "b"), List.of("c")))),
                null, "belongs to a quantized model");
        assertRefused(tiny(t -> t.nodes.add(new OnnxBuilder.Node("SkipLayerNormalization", "/sln", List.of("a"), List.of("c"),
                Map.of(), "com.microsoft"))), null, "is from operator domain com.microsoft");
    }

    @Test
    void aFileWithoutAGraphIsNotAnOnnxModel() {
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> OnnxGraph.parse(new ProtoWriter().varint(1, 8).string(2, "x").toByteArray(), "x.onnx"));
        assertEquals("x.onnx: not an ONNX model (no graph field)", e.getMessage());
    }
}
