package dev.rerank.springai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The metadata the configuration processor wrote into the jar, from which IDEs complete and describe the keys. */
class ConfigurationMetadataTest {
    @Test
    void everyKeyIsDescribed() throws IOException {
        JsonObject metadata = read("META-INF/spring-configuration-metadata.json");
        TreeMap<String, JsonObject> properties = new TreeMap<>();
        for (JsonElement e : metadata.getAsJsonArray("properties")) {
            properties.put(e.getAsJsonObject().get("name").getAsString(), e.getAsJsonObject());
        }
        Set<String> shared = Set.of("model", "revision", "threads", "max-length", "batch-size", "weights-dtype");
        Set<String> want = new TreeSet<>();
        for (String key : shared) {
            want.add("rerank.embedding." + key);
            want.add("rerank.reranker." + key);
        }
        want.addAll(Set.of("rerank.embedding.normalize", "rerank.embedding.prompt-name", "rerank.embedding.document-prompt-name",
                "rerank.reranker.top-n", "rerank.reranker.min-score"));
        assertEquals(want, properties.keySet());
        for (JsonObject p : properties.values()) {
            assertTrue(p.has("description") && p.get("description").getAsString().length() > 20, p.toString());
        }
        assertEquals("main", properties.get("rerank.reranker.revision").get("defaultValue").getAsString());
        assertEquals(0, properties.get("rerank.reranker.top-n").get("defaultValue").getAsInt());

        Set<String> hinted = new TreeSet<>();
        for (JsonElement e : metadata.getAsJsonArray("hints")) {
            JsonObject hint = e.getAsJsonObject();
            hinted.add(hint.get("name").getAsString());
            assertEquals("[\"f32\",\"bf16\"]", hint.getAsJsonArray("values").asList().stream()
                    .map(v -> v.getAsJsonObject().get("value")).toList().toString().replace(" ", ""));
        }
        assertEquals(Set.of("rerank.embedding.weights-dtype", "rerank.reranker.weights-dtype"), hinted);
    }

    @Test
    void theAutoConfigurationsAndTheFailureAnalyzerAreRegistered() throws IOException {
        String imports = text("META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports");
        assertEquals(Set.of(RerankEmbeddingAutoConfiguration.class.getName(), RerankRerankerAutoConfiguration.class.getName()),
                Set.copyOf(imports.lines().filter(l -> !l.isBlank()).toList()));
        assertTrue(text("META-INF/spring.factories").contains(RerankModelFailureAnalyzer.class.getName()));
    }

    private static JsonObject read(String resource) throws IOException {
        return JsonParser.parseString(text(resource)).getAsJsonObject();
    }

    /** This module's copy of a resource that Spring's jars have too. */
    private static String text(String resource) throws IOException {
        for (URL url : Collections.list(ConfigurationMetadataTest.class.getClassLoader().getResources(resource))) {
            try (InputStream in = url.openStream()) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (text.contains("dev.rerank.springai")) {
                    return text;
                }
            }
        }
        throw new AssertionError("no " + resource + " of this module on the class path");
    }
}
