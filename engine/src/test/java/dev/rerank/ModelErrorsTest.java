package dev.rerank;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rerank.model.ModelException;
import dev.rerank.weights.WeightsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model directory that cannot be used fails at load, with a message naming the part. */
class ModelErrorsTest {
    @TempDir
    Path dir;

    private Path copyOfTiny() throws IOException {
        Path tiny = TestData.file("models/tiny-roberta");
        for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"}) {
            Files.copy(tiny.resolve(f), dir.resolve(f));
        }
        return dir;
    }

    private void editConfig(String from, String to) throws IOException {
        Path config = dir.resolve("config.json");
        String text = Files.readString(config);
        assertTrue(text.contains(from), "test setup: config lacks " + from);
        Files.writeString(config, text.replace(from, to));
    }

    private static void assertLoadFails(Path model, Class<? extends RuntimeException> type, String expected) {
        RuntimeException e = assertThrows(type, () -> CrossEncoder.builder(model).threads(1).build().close());
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
    }

    @Test
    void missingDirectoryAndFiles() throws IOException {
        assertLoadFails(dir.resolve("nope"), ModelException.class, "model directory not found");
        copyOfTiny();
        Files.delete(dir.resolve("config.json"));
        assertLoadFails(dir, ModelException.class, "config.json not found");
    }

    @Test
    void unsupportedHiddenAct() throws IOException {
        copyOfTiny();
        editConfig("\"hidden_act\": \"gelu\"", "\"hidden_act\": \"gelu_new\"");
        assertLoadFails(dir, ModelException.class, "unsupported hidden_act gelu_new");
    }

    @Test
    void unsupportedArchitecture() throws IOException {
        copyOfTiny();
        editConfig("RobertaForSequenceClassification", "RobertaForMaskedLM");
        assertLoadFails(dir, ModelException.class, "unsupported architecture RobertaForMaskedLM");
    }

    @Test
    void shapesDisagreeingWithConfig() throws IOException {
        copyOfTiny();
        editConfig("\"intermediate_size\": 84", "\"intermediate_size\": 96");
        assertLoadFails(dir, ModelException.class, "tensor roberta.encoder.layer.0.intermediate.dense.weight has shape [84, 40] but config.json implies [96, 40]");
    }

    @Test
    void missingTensor() throws IOException {
        copyOfTiny();
        editConfig("\"num_hidden_layers\": 6", "\"num_hidden_layers\": 7");
        assertLoadFails(dir, ModelException.class, "missing tensor roberta.encoder.layer.6.");
    }

    @Test
    void weightsOfLayersTheConfigDoesNotCountAreRefused() throws IOException {
        // transformers only warns here; a 3-layer run of 6-layer weights scores, and scores wrong.
        copyOfTiny();
        editConfig("\"num_hidden_layers\": 6", "\"num_hidden_layers\": 3");
        assertLoadFails(dir, ModelException.class, "tensor roberta.encoder.layer.3.attention.output.LayerNorm.bias (and 47 more)"
                + " is not a parameter of a RobertaForSequenceClassification of 3 layers: config.json does not describe these weights");
    }

    @Test
    void corruptConfigAndWeights() throws IOException {
        copyOfTiny();
        Files.writeString(dir.resolve("config.json"), "{\"hidden_size\": ");
        assertLoadFails(dir, ModelException.class, "invalid JSON");
        Files.copy(TestData.file("models/tiny-roberta/config.json"), dir.resolve("config.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        byte[] weights = Files.readAllBytes(dir.resolve("model.safetensors"));
        Files.write(dir.resolve("model.safetensors"), java.util.Arrays.copyOf(weights, weights.length - 1000));
        assertLoadFails(dir, WeightsException.class, "truncated");
    }

    @Test
    void unsupportedActivationFunction() throws IOException {
        copyOfTiny();
        editConfig("\"is_decoder\": false,", "\"is_decoder\": false, \"sentence_transformers\": {\"activation_fn\": \"torch.nn.modules.activation.ReLU\"},");
        assertLoadFails(dir, ModelException.class, "unsupported activation function torch.nn.modules.activation.ReLU");
    }

    /** Issue 17, item 7: wrong types, ranges and sizes in config.json are named errors, never coerced or crashed on. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "\"hidden_act\": \"gelu\"|\"hidden_act\": {}|hidden_act must be a string, got an object",
        "\"model_type\": \"roberta\"|\"model_type\": {}|model_type must be a string, got an object",
        "\"model_type\": \"roberta\"|\"model_type\": \"deberta-v2\"|unsupported model_type deberta-v2 (supported: bert (BertModel, BertForSequenceClassification); roberta",
        "\"model_type\": \"roberta\"|\"model_type\": \"xlm-roberta\"|unsupported architecture RobertaForSequenceClassification (supported for model_type xlm-roberta: XLMRobertaModel, XLMRobertaForSequenceClassification)",
        "\"RobertaForSequenceClassification\"|{}|architectures[0] must be a string, got an object",
        "\"pad_token_id\": 1|\"pad_token_id\": {}|pad_token_id must be a number, got an object",
        "\"pad_token_id\": 1|\"pad_token_id\": -5|pad_token_id is -5; it must be between 0 and 50264",
        "\"type_vocab_size\": 1|\"type_vocab_size\": []|type_vocab_size must be a number, got an array",
        "\"layer_norm_eps\": 1e-05|\"layer_norm_eps\": \"small\"|layer_norm_eps must be a number",
        "\"layer_norm_eps\": 1e-05|\"layer_norm_eps\": -1|layer_norm_eps is -1; it must be above 0",
        "\"num_hidden_layers\": 6|\"num_hidden_layers\": -1|num_hidden_layers is -1; it must be between 0 and 1000",
        "\"num_hidden_layers\": 6|\"num_hidden_layers\": 2147483647|num_hidden_layers is 2147483647; it must be between 0 and 1000",
        "\"vocab_size\": 50265|\"vocab_size\": 60000000|vocab_size is 60000000; it must be between 1 and 10000000",
        "\"hidden_size\": 40|\"hidden_size\": 4294967336|hidden_size is 4294967336; it must be between 1 and 65536",
        "\"hidden_size\": 40|\"hidden_size\": \"40\"|hidden_size must be a number, got \"40\"",
        "\"hidden_size\": 40|\"hidden_size\": 40.7|hidden_size must be a whole number, got 40.7",
        "\"hidden_size\": 40|\"hidden_size\": [40]|hidden_size must be a number, got an array",
        "\"0\": \"LABEL_0\"|\"0\": {}|id2label.0 must be a string, got an object",
        "\"is_decoder\": false,|\"is_decoder\": false, \"num_labels\": \"one\",|num_labels must be a number",
        "\"is_decoder\": false,|\"is_decoder\": false, \"sentence_transformers\": {\"activation_fn\": {}},|activation_fn must be a string, got an object",
    })
    void invalidConfigValuesAreNamed(String from, String to, String expected) throws IOException {
        copyOfTiny();
        editConfig(from, to);
        assertLoadFails(dir, ModelException.class, expected);
    }

    @Test
    void hugeProductsAreRefusedBeforeAllocating() throws IOException {
        copyOfTiny();
        editConfig("\"hidden_size\": 40", "\"hidden_size\": 65536");
        editConfig("\"num_attention_heads\": 5", "\"num_attention_heads\": 1");
        assertLoadFails(dir, ModelException.class, "a weight of 50265 × 65536 values is larger than this engine can hold");
    }

    @Test
    void encoderWithoutHeadIsNotACrossEncoder() throws IOException {
        for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"}) {
            Files.copy(TestData.file("models/tiny-bert-embed").resolve(f), dir.resolve(f));
        }
        assertLoadFails(dir, ModelException.class, "describes a BertModel, which has no classification head");
    }
}
