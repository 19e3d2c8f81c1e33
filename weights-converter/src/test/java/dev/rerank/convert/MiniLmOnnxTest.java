package dev.rerank.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rerank.model.ModelConfig;
import dev.rerank.model.ParameterTable;
import dev.rerank.weights.ModelWeights;
import dev.rerank.weights.TensorInfo;
import dev.rerank.weights.WeightSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real all-MiniLM-L6-v2 (Xenova's torch.onnx export, as langchain4j ships it on Maven Central)
 * imports as a complete BertModel whose every value is the ONNX initializer's, and the model
 * directory built from it reads back through the engine's own loaders.
 */
class MiniLmOnnxTest {
    private static final String CONFIG = """
            {"architectures": ["BertModel"], "model_type": "bert", "hidden_size": 384, "num_attention_heads": 12,
             "num_hidden_layers": 6, "intermediate_size": 1536, "max_position_embeddings": 512,
             "type_vocab_size": 2, "vocab_size": 30522, "layer_norm_eps": 1e-12, "pad_token_id": 0}
            """;

    private static ModelConfig config;
    private static OnnxGraph graph;
    private static Map<String, Tensor> imported;

    @TempDir
    Path tmp;

    @BeforeAll
    static void importOnce() {
        config = ModelConfig.fromJson(JsonParser.parseString(CONFIG).getAsJsonObject(), "all-MiniLM-L6-v2");
        graph = OnnxGraph.parse(MiniLmArtifact.resource(MiniLmArtifact.ONNX_RESOURCE), "all-minilm-l6-v2.onnx");
        imported = new LinkedHashMap<>();
        for (Tensor t : OnnxImport.tensors(graph, config, "all-minilm-l6-v2.onnx")) {
            imported.put(t.name(), t);
        }
    }

    @Test
    void everyBertModelParameterIsPresentWithItsShape() {
        Map<String, long[]> table = new ParameterTable(config, "", false).shapes();
        assertEquals(101, table.size());
        assertEquals(List.copyOf(table.keySet()), List.copyOf(imported.keySet()));
        for (Map.Entry<String, long[]> e : table.entrySet()) {
            assertArrayEquals(e.getValue(), imported.get(e.getKey()).shape(), e.getKey());
        }
    }

    /**
     * Checked through a route the import does not take: torch.onnx names each MatMul node after
     * its module ({@code /encoder/layer.0/attention/self/query/MatMul}), so the weight that node
     * reads must come out, transposed, as that module's {@code .weight}.
     */
    @Test
    void valuesAreTheOnnxInitializersTransposedWhereTheyMustBe() {
        Map<String, OnnxInitializer> byName = new HashMap<>();
        graph.initializers().forEach(t -> byName.put(t.name(), t));
        int linears = 0;
        for (OnnxGraph.Node n : graph.nodes()) {
            if (n.opType().equals("MatMul") && byName.containsKey(n.input(1))) {
                String module = n.name().substring(1, n.name().length() - "/MatMul".length()).replace('/', '.');
                float[] stored = floats(byName.get(n.input(1)).toTensor("x", false));
                long[] dims = byName.get(n.input(1)).dims();
                Tensor weight = imported.get(module + ".weight");
                assertNotNull(weight, module);
                assertArrayEquals(new long[] {dims[1], dims[0]}, weight.shape(), module);
                float[] got = floats(weight);
                int in = (int) dims[0];
                int out = (int) dims[1];
                for (int i = 0; i < in; i++) {
                    for (int o = 0; o < out; o++) {
                        if (Float.floatToRawIntBits(got[o * in + i]) != Float.floatToRawIntBits(stored[i * out + o])) {
                            throw new AssertionError(module + " [" + o + ", " + i + "]");
                        }
                    }
                }
                linears++;
            }
        }
        assertEquals(6 * 6, linears);
        int named = 0;
        for (Tensor t : imported.values()) {
            OnnxInitializer source = byName.get(t.name());
            if (source != null) {
                assertArrayEquals(source.toTensor(t.name(), false).data(), t.data(), t.name());
                named++;
            }
        }
        assertEquals(101 - 36, named);
    }

    @Test
    void theModelDirectoryReadsBackThroughTheEngine() throws IOException {
        Path dir = MiniLmArtifact.writeModelDir(tmp.resolve("all-MiniLM-L6-v2"));
        assertEquals(config, ModelConfig.load(dir.resolve("config.json")));
        try (WeightSource w = ModelWeights.open(dir)) {
            assertEquals("", ParameterTable.forWeights(config, w, false).prefix());
            assertEquals(imported.keySet(), w.names());
            for (Tensor t : imported.values()) {
                TensorInfo info = w.info(t.name());
                assertArrayEquals(t.shape(), info.shape(), t.name());
                float[] got = new float[Math.toIntExact(info.elementCount())];
                w.read(t.name(), 0, got, 0, got.length);
                assertArrayEquals(floats(t), got, t.name());
            }
        }
        JsonArray modules = JsonParser.parseString(Files.readString(dir.resolve("modules.json"))).getAsJsonArray();
        assertEquals(List.of("sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling",
                "sentence_transformers.models.Normalize"), modules.asList().stream()
                .map(m -> m.getAsJsonObject().get("type").getAsString()).toList());
        assertEquals("1_Pooling", modules.get(1).getAsJsonObject().get("path").getAsString());
        JsonObject pooling = json(dir.resolve("1_Pooling/config.json"));
        assertEquals(384, pooling.get("word_embedding_dimension").getAsInt());
        assertTrue(pooling.get("pooling_mode_mean_tokens").getAsBoolean());
        for (String other : List.of("pooling_mode_cls_token", "pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens")) {
            assertTrue(!pooling.get(other).getAsBoolean(), other);
        }
        JsonObject st = json(dir.resolve("sentence_bert_config.json"));
        assertEquals(256, st.get("max_seq_length").getAsInt());
        assertTrue(!st.get("do_lower_case").getAsBoolean());
        assertArrayEquals(MiniLmArtifact.resource(MiniLmArtifact.TOKENIZER_RESOURCE), Files.readAllBytes(dir.resolve("tokenizer.json")));
        List<String> vocab = Files.readAllLines(dir.resolve("vocab.txt"));
        assertEquals(30522, vocab.size());
        assertEquals(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"),
                List.of(vocab.get(0), vocab.get(100), vocab.get(101), vocab.get(102), vocab.get(103)));
        assertEquals(512, json(dir.resolve("tokenizer_config.json")).get("model_max_length").getAsInt());

        // rerank convert on the same .onnx with the same config.json beside it writes the same file.
        Path src = Files.createDirectories(tmp.resolve("onnx"));
        Files.write(src.resolve("model.onnx"), MiniLmArtifact.resource(MiniLmArtifact.ONNX_RESOURCE));
        Files.copy(dir.resolve("config.json"), src.resolve("config.json"));
        Path converted = Converter.convertOnnx(src.resolve("model.onnx"), tmp.resolve("converted"));
        assertArrayEquals(Files.readAllBytes(dir.resolve("model.safetensors")), Files.readAllBytes(converted));
    }

    private static JsonObject json(Path file) throws IOException {
        return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    }

    private static float[] floats(Tensor t) {
        float[] v = new float[t.data().length / 4];
        ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }
}
