package dev.rerank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import dev.rerank.serve.ModelNumbers;
import dev.rerank.testkit.NanWeights;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model with NaN weights computes NaN. JSON has no NaN: predict, rank --json and embed write such
 * a value as null with an "error" field on its line (the server's rule), keep one line per input,
 * and exit 1 with an error naming the problem.
 */
class NonFiniteOutputTest {
    @TempDir
    Path tmp;
    private CliRunner cli;

    @BeforeEach
    void setUp() {
        cli = new CliRunner(tmp.resolve("cache"));
    }

    private String nanCrossEncoder() throws IOException {
        return NanWeights.copy(TestData.file("models/tiny-roberta"), tmp.resolve("nan"), "classifier.out_proj.bias").toString();
    }

    /** Parses strictly: gson's default lenient parser would accept the bare NaN this test guards against. */
    private static JsonElement strict(String json) throws IOException {
        JsonReader reader = new JsonReader(new StringReader(json));
        reader.setStrictness(Strictness.STRICT);
        return JsonParser.parseReader(reader);
    }

    private static void assertNotFiniteExit(CliRunner.Result r, int count) {
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("error: " + count + " result"), r.err());
        assertTrue(r.err().contains("not a finite number"), r.err());
        assertFalse(r.out().matches("(?s).*[:\\[,]\\s*-?(NaN|Infinity).*"), "no bare NaN as a value: " + r.out());
    }

    @Test
    void predictWritesNullWithAnErrorOnEveryLineAndExitsOne() throws IOException {
        CliRunner.Result r = cli.stdin("{\"a\": \"x\", \"b\": \"y\"}\n{\"a\": \"z\", \"b\": \"w\"}\n")
                .run("predict", "--model", nanCrossEncoder(), "--input", "-", "--raw");
        assertNotFiniteExit(r, 2);
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        for (String line : lines) {
            JsonObject o = strict(line).getAsJsonObject();
            assertTrue(o.get("score").isJsonNull(), line);
            assertTrue(o.getAsJsonArray("logits").get(0).isJsonNull(), line);
            assertEquals(ModelNumbers.NOT_FINITE, o.get("error").getAsString());
        }
    }

    @Test
    void predictOfOnePairPrintsTheValueAndExitsOne() throws IOException {
        CliRunner.Result r = cli.run("predict", "--model", nanCrossEncoder(), "a", "b");
        assertEquals(1, r.code(), r.err());
        assertEquals("NaN", r.out().trim(), "plain text, not JSON: the value as it is");
        assertTrue(r.err().startsWith("error: 1 result is not a finite number"), r.err());
    }

    @Test
    void rankJsonWritesNullScoresWithAnError() throws IOException {
        CliRunner.Result r = cli.run("rank", "--model", nanCrossEncoder(), "--query", "q", "--json", "d1", "d2", "d3");
        assertNotFiniteExit(r, 3);
        JsonArray ranked = strict(r.out()).getAsJsonArray();
        assertEquals(3, ranked.size());
        for (JsonElement e : ranked) {
            assertTrue(e.getAsJsonObject().get("score").isJsonNull(), e.toString());
            assertEquals(ModelNumbers.NOT_FINITE, e.getAsJsonObject().get("error").getAsString());
        }
        assertEquals(0, ranked.get(0).getAsJsonObject().get("corpus_id").getAsInt(), "all NaN: input order kept");
    }

    @Test
    void embedWritesNullComponentsWithAnError() throws IOException {
        String model = NanWeights.copy(TestData.file("models/tiny-bert-embed"), tmp.resolve("nan-embed"),
                "embeddings.LayerNorm.bias").toString();
        CliRunner.Result r = cli.run("embed", "--model", model, "first", "second");
        assertNotFiniteExit(r, 2);
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        for (String line : lines) {
            JsonObject o = strict(line).getAsJsonObject();
            assertTrue(o.getAsJsonArray("embedding").get(0).isJsonNull(), line);
            assertEquals(ModelNumbers.NOT_FINITE, o.get("error").getAsString());
        }
    }

    @Test
    void finiteResultsHaveNoErrorField() {
        CliRunner.Result r = cli.stdin("{\"a\": \"x\", \"b\": \"y\"}\n")
                .run("predict", "--model", TestData.file("models/tiny-roberta").toString(), "--input", "-");
        assertEquals(0, r.code(), r.err());
        assertFalse(r.out().contains("error"), r.out());
    }
}
