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
}
