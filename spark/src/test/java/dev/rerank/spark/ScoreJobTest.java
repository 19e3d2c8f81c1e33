package dev.rerank.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rerank.CrossEncoder;
import dev.rerank.CrossEncoder.Pair;
import dev.rerank.convert.Converter;
import dev.rerank.testkit.NanWeights;
import dev.rerank.weights.DType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON Lines job that spark/run-local.sh runs, against the float64 reference logits. */
class ScoreJobTest {
    private static SparkSession spark;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        spark = TestSpark.session();
    }

    private record Run(int code, String err, List<JsonObject> lines) {}

    private static Run run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> options = ScoreJob.parse(args);
        int code = ScoreJob.run(spark, options, new PrintStream(err, true, StandardCharsets.UTF_8));
        List<JsonObject> lines = new ArrayList<>();
        Path out = Path.of(options.get("output"));
        if (Files.isDirectory(out)) {
            try (Stream<Path> parts = Files.list(out)) {
                for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
                    for (String line : Files.readAllLines(part)) {
                        lines.add(JsonParser.parseString(line).getAsJsonObject());
                    }
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        return new Run(code, err.toString(StandardCharsets.UTF_8), lines);
    }

    private static JsonArray goldenPairs(String file) throws IOException {
        return JsonParser.parseString(Files.readString(TestSpark.testdata(file))).getAsJsonObject().getAsJsonArray("pairs");
    }

    private static Path input(String name, List<String> lines) throws IOException {
        Path file = tmp.resolve(name);
        Files.write(file, lines);
        return file;
    }

    private static void assertLogits(JsonObject golden, JsonObject line) {
        JsonArray want = golden.getAsJsonArray("logits");
        JsonArray got = line.getAsJsonArray("logits");
        assertEquals(want.size(), got.size());
        for (int k = 0; k < want.size(); k++) {
            assertEquals(want.get(k).getAsDouble(), got.get(k).getAsDouble(), 1e-4, line.toString());
        }
    }

    @Test
    void scoresJsonLinesInOrderWithRawLogitsAndReportsBadLines() throws IOException {
        JsonArray golden = goldenPairs("model-tiny.json");
        List<String> lines = new ArrayList<>();
        List<Pair> pairs = new ArrayList<>();
        for (int repeat = 0; repeat < 20; repeat++) {
            for (JsonElement e : golden) {
                JsonObject p = e.getAsJsonObject();
                JsonObject line = new JsonObject();
                line.add("a", p.get("a"));
                line.add("b", p.get("b"));
                lines.add(line.toString());
                pairs.add(new Pair(p.get("a").getAsString(), p.get("b").getAsString()));
            }
        }
        List<String> bad = List.of("not json", "[1, 2]", "{\"a\": \"x\"}", "{\"a\": 5, \"b\": \"y\"}", "{\"a\": null, \"b\": []}");
        lines.addAll(3, bad);
        lines.add(10, "   ");
        Path out = tmp.resolve("scored");
        Run r = run("--model", TestSpark.model("tiny-roberta"), "--input", input("pairs.jsonl", lines).toString(),
                "--output", out.toString(), "--raw", "--partitions", "4");
        assertEquals(0, r.code(), r.err());
        assertEquals(pairs.size() + bad.size(), r.lines().size());
        assertTrue(r.lines().get(0).keySet().containsAll(List.of("a", "b", "score", "logits")));
        assertEquals("not valid JSON: not json", r.lines().get(3).get("error").getAsString());
        assertEquals("expected a JSON object, got [1, 2]", r.lines().get(4).get("error").getAsString());
        assertEquals("field \"b\" is missing or not a string", r.lines().get(5).get("error").getAsString());
        assertEquals("field \"a\" is missing or not a string", r.lines().get(6).get("error").getAsString());
        assertEquals("fields \"a\" and \"b\" are missing or not strings", r.lines().get(7).get("error").getAsString());
        assertEquals("x", r.lines().get(5).get("a").getAsString());
        List<JsonObject> scored = new ArrayList<>(r.lines());
        for (int i = 0; i < bad.size(); i++) {
            assertFalse(scored.remove(3).has("score"));
        }
        try (CrossEncoder library = CrossEncoder.load(TestSpark.testdata("models/tiny-roberta"))) {
            float[] want = library.predict(pairs);
            for (int i = 0; i < pairs.size(); i++) {
                JsonObject line = scored.get(i);
                assertEquals(pairs.get(i).a(), line.get("a").getAsString());
                assertEquals(want[i], line.get("score").getAsFloat(), "line " + i);
                assertNull(line.get("error"));
                assertLogits(golden.get(i % golden.size()).getAsJsonObject(), line);
            }
        }
    }

    @Test
    void scoresThatAreNotFiniteAreNullWithAnErrorAndTheJobFails() throws IOException {
        // Spark's JSON writer wrote the string "NaN" and the job exited 0; the CLI and server write null + error, exit 1.
        Path nan = NanWeights.copy(TestSpark.testdata("models/tiny-roberta"), tmp.resolve("nan-model"), "classifier.out_proj.bias");
        Path out = tmp.resolve("nan-scored");
        Run r = run("--model", nan.toString(), "--input", input("nan.jsonl", List.of("{\"a\": \"x\", \"b\": \"y\"}",
                "{\"a\": \"z\", \"b\": \"w\"}")).toString(), "--output", out.toString(), "--raw");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("error: 2 results are not a finite number"), r.err());
        assertEquals(2, r.lines().size());
        for (JsonObject line : r.lines()) {
            for (String field : List.of("score", "logits")) {
                assertFalse(line.has(field) && !line.get(field).isJsonNull(), line.toString()); // was "NaN" as a string
            }
            assertEquals(NotFinite.ERROR, line.get("error").getAsString());
        }
    }

    @Test
    void aThreeLabelModelWritesProbabilitiesLabelAndLogits() throws IOException {
        JsonObject golden = JsonParser.parseString(Files.readString(TestSpark.testdata("model-tiny-nli.json"))).getAsJsonObject();
        Path nli = tmp.resolve("nli");
        Files.createDirectories(nli);
        Files.writeString(nli.resolve("config.json"), golden.getAsJsonObject("config").toString());
        Converter.synthesize(nli.resolve("config.json"), golden.get("salt").getAsString(), nli, DType.F32);
        Files.copy(TestSpark.testdata("models/tiny-roberta/tokenizer.json"), nli.resolve("tokenizer.json"));
        List<String> lines = new ArrayList<>();
        for (JsonElement e : golden.getAsJsonArray("pairs")) {
            JsonObject line = new JsonObject();
            line.add("a", e.getAsJsonObject().get("a"));
            line.add("b", e.getAsJsonObject().get("b"));
            lines.add(line.toString());
        }
        Run r = run("--model", nli.toString(), "--input", input("nli.jsonl", lines).toString(),
                "--output", tmp.resolve("nli-scored").toString(), "--raw");
        assertEquals(0, r.code(), r.err());
        JsonArray pairs = golden.getAsJsonArray("pairs");
        assertEquals(pairs.size(), r.lines().size());
        for (int i = 0; i < pairs.size(); i++) {
            JsonObject want = pairs.get(i).getAsJsonObject();
            JsonObject line = r.lines().get(i);
            assertLogits(want, line);
            JsonArray probabilities = want.getAsJsonArray("probabilities");
            for (int k = 0; k < probabilities.size(); k++) {
                assertEquals(probabilities.get(k).getAsDouble(), line.getAsJsonArray("probabilities").get(k).getAsDouble(), 1e-4);
            }
            assertTrue(line.has("label"));
            assertFalse(line.has("score"));
        }
    }

    @Test
    void errorsAreOneLineNamingTheProblem() throws IOException {
        Path in = input("one.jsonl", List.of("{\"a\": \"x\", \"b\": \"y\"}"));
        Run missingModel = run("--model", tmp.resolve("nowhere").toString(), "--input", in.toString(),
                "--output", tmp.resolve("o1").toString());
        assertEquals(1, missingModel.code());
        assertEquals("error: model directory not found: " + tmp.resolve("nowhere") + "\n", missingModel.err());

        Run missingInput = run("--model", TestSpark.model("tiny-roberta"), "--input", tmp.resolve("none.jsonl").toString(),
                "--output", tmp.resolve("o2").toString());
        assertEquals(1, missingInput.code());
        assertEquals("error: input file not found: " + tmp.resolve("none.jsonl") + "\n", missingInput.err());

        Path existing = tmp.resolve("o3");
        Files.createDirectories(existing);
        Run exists = run("--model", TestSpark.model("tiny-roberta"), "--input", in.toString(), "--output", existing.toString());
        assertEquals(1, exists.code());
        assertTrue(exists.err().startsWith("error: ") && exists.err().contains("already exists"), exists.err());
    }

    @Test
    void usageErrorsAreCaughtBeforeSparkStarts() {
        assertEquals("--model is required",
                assertThrows(IllegalArgumentException.class, () -> ScoreJob.parse(new String[] {"--input", "x", "--output", "y"})).getMessage());
        assertEquals("unknown option --modle",
                assertThrows(IllegalArgumentException.class, () -> ScoreJob.parse(new String[] {"--modle", "m"})).getMessage());
        assertEquals("--partitions needs a whole number, got 'many'", assertThrows(IllegalArgumentException.class,
                () -> ScoreJob.parse(new String[] {"--model", "m", "--input", "x", "--output", "y", "--partitions", "many"})).getMessage());
        assertEquals("--output needs a value",
                assertThrows(IllegalArgumentException.class, () -> ScoreJob.parse(new String[] {"--model", "m", "--output"})).getMessage());
    }
}
