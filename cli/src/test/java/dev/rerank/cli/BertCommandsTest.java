package dev.rerank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands on BERT models: the tiny BERT cross-encoder against its float64 logits (as the
 * held-out models are checked, through predict --raw and tokenize), and the tiny sentence-transformers
 * BERT embedding model through embed, eval and info.
 */
class BertCommandsTest {
    @TempDir
    Path tmp;
    private CliRunner cli;

    @BeforeEach
    void setUp() {
        cli = new CliRunner(tmp.resolve("cache"));
    }

    private static JsonObject golden(String name) throws IOException {
        return JsonParser.parseString(Files.readString(TestData.file(name))).getAsJsonObject();
    }

    private static void assertOk(CliRunner.Result r) {
        assertEquals(0, r.code(), () -> "exit code; stderr: " + r.err());
    }

    @Test
    void predictRawAndTokenizeMatchTheReference() throws IOException {
        JsonObject golden = golden("model-tiny-bert.json");
        String model = TestData.file("models/tiny-bert").toString();
        StringBuilder in = new StringBuilder();
        for (JsonElement e : golden.getAsJsonArray("pairs")) {
            JsonObject o = new JsonObject();
            o.addProperty("a", e.getAsJsonObject().get("a").getAsString());
            o.addProperty("b", e.getAsJsonObject().get("b").getAsString());
            in.append(o).append('\n');
        }
        CliRunner.Result scored = cli.stdin(in.toString()).run("predict", "--model", model, "--input", "-", "--raw");
        assertOk(scored);
        CliRunner.Result tokens = cli.stdin(in.toString()).run("tokenize", "--model", model, "--input", "-");
        assertOk(tokens);
        List<String> scoreLines = scored.out().lines().toList();
        List<String> tokenLines = tokens.out().lines().toList();
        JsonArray pairs = golden.getAsJsonArray("pairs");
        double worst = 0;
        for (int i = 0; i < pairs.size(); i++) {
            JsonObject want = pairs.get(i).getAsJsonObject();
            JsonObject got = JsonParser.parseString(scoreLines.get(i)).getAsJsonObject();
            double logit = want.getAsJsonArray("logits").get(0).getAsDouble();
            worst = Math.max(worst, Math.abs(logit - got.getAsJsonArray("logits").get(0).getAsDouble()));
            // The ms-marco models' activation is Identity: the score is the raw logit.
            assertEquals(got.getAsJsonArray("logits").get(0).getAsDouble(), got.get("score").getAsDouble(), 0.0);
            JsonObject tok = JsonParser.parseString(tokenLines.get(i)).getAsJsonObject();
            assertEquals(want.getAsJsonArray("input_ids"), tok.getAsJsonArray("ids"));
            assertEquals(want.getAsJsonArray("token_type_ids"), tok.getAsJsonArray("type_ids"));
        }
        assertTrue(worst <= 1e-4, "logit differs by " + worst);
    }

    @Test
    void infoNamesTheArchitectureAndKind() {
        CliRunner.Result r = cli.run("info", TestData.file("models/tiny-bert").toString());
        assertOk(r);
        assertTrue(r.out().contains("architecture: BertForSequenceClassification, 3 layers"), r.out());
        assertTrue(r.out().contains("kind:         cross-encoder"), r.out());
        assertTrue(r.out().contains("activation:   identity"), r.out());
        assertTrue(r.out().contains("WordPiece"), r.out());
        r = cli.run("info", TestData.file("models/tiny-bert-embed").toString());
        assertOk(r);
        assertTrue(r.out().contains("architecture: BertModel"), r.out());
        assertTrue(r.out().contains("kind:         embedding model (rerank embed): mean pooling, normalized, max_seq_length 128"), r.out());
    }

    @Test
    void embedMatchesTheReference() throws IOException {
        JsonObject golden = golden("embed-tiny-bert.json");
        String model = TestData.file("models/tiny-bert-embed").toString();
        JsonArray sentences = golden.getAsJsonArray("sentences");
        StringBuilder in = new StringBuilder();
        for (JsonElement e : sentences) {
            JsonObject o = new JsonObject();
            o.addProperty("text", e.getAsJsonObject().get("text").getAsString());
            in.append(o).append('\n');
        }
        CliRunner.Result r = cli.stdin(in.toString()).run("embed", "--model", model, "--input", "-");
        assertOk(r);
        CliRunner.Result raw = cli.stdin(in.toString()).run("embed", "--model", model, "--input", "-", "--no-normalize");
        assertOk(raw);
        List<String> lines = r.out().lines().toList();
        List<String> rawLines = raw.out().lines().toList();
        assertEquals(sentences.size(), lines.size());
        double worst = 0;
        for (int i = 0; i < sentences.size(); i++) {
            JsonObject s = sentences.get(i).getAsJsonObject();
            worst = Math.max(worst, maxDiff(s.getAsJsonArray("mean_normalized"),
                    JsonParser.parseString(lines.get(i)).getAsJsonObject().getAsJsonArray("embedding")));
            worst = Math.max(worst, maxDiff(s.getAsJsonArray("mean"),
                    JsonParser.parseString(rawLines.get(i)).getAsJsonObject().getAsJsonArray("embedding")));
        }
        assertTrue(worst <= 1e-5, "embedding differs by " + worst);
        CliRunner.Result args = cli.run("embed", "--model", model, sentences.get(0).getAsJsonObject().get("text").getAsString());
        assertOk(args);
        assertEquals(lines.get(0), args.out().trim());
    }

    @Test
    void evalOnAnEmbeddingModelPrintsCosineCorrelations() {
        CliRunner.Result r = cli.run("eval", "--model", TestData.file("models/tiny-bert-embed").toString(),
                "--data", TestData.file("stsb/sts-test.csv").toString());
        assertOk(r);
        assertTrue(r.out().contains("1379 pairs (cosine similarity of embeddings)"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("Spearman: -?0\\.\\d{4}")), r.out());
    }

    @Test
    void wrongKindOfModelIsANamedError() {
        CliRunner.Result r = cli.run("predict", "--model", TestData.file("models/tiny-bert-embed").toString(), "a", "b");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("describes a BertModel, which has no classification head"), r.err());
        r = cli.run("embed", "--model", TestData.file("models/tiny-bert").toString(), "a");
        assertOk(r); // a classifier's encoder embeds too (mean pooling), as sentence-transformers would load it
    }

    private static double maxDiff(JsonArray want, JsonArray got) {
        assertEquals(want.size(), got.size());
        double worst = 0;
        for (int i = 0; i < want.size(); i++) {
            worst = Math.max(worst, Math.abs(want.get(i).getAsDouble() - got.get(i).getAsDouble()));
        }
        return worst;
    }
}
