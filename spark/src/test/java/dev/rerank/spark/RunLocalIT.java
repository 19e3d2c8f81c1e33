package dev.rerank.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rerank.CrossEncoder;
import dev.rerank.CrossEncoder.Pair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spark/run-local.sh} as a user runs it, with the jar and classpath that {@code package} built. */
class RunLocalIT {
    private static final Path ROOT = Path.of(System.getProperty("rerank.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    private record Run(int code, String err) {}

    private static Run run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve("spark/run-local.sh").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        p.getOutputStream().close();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "run-local.sh did not finish");
        return new Run(p.exitValue(), err);
    }

    @Test
    void scoresJsonLinesIntoPartFilesAndFailsWithOneLine() throws Exception {
        List<Pair> pairs = TestSpark.pairs(40);
        List<String> lines = new ArrayList<>();
        for (Pair pair : pairs) {
            JsonObject o = new JsonObject();
            o.addProperty("a", pair.a());
            o.addProperty("b", pair.b());
            lines.add(o.toString());
        }
        Path input = tmp.resolve("pairs.jsonl");
        Files.write(input, lines);
        String tiny = TestSpark.testdata("models/tiny-roberta").toAbsolutePath().toString();
        Path out = tmp.resolve("scored");

        Run ok = run("--model", tiny, "--input", input.toString(), "--output", out.toString(), "--raw", "--master", "local[2]");
        assertEquals(0, ok.code(), ok.err());
        assertFalse(ok.err().contains("incubator"), ok.err());
        List<JsonObject> scored = new ArrayList<>();
        try (Stream<Path> parts = Files.list(out)) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
                for (String line : Files.readAllLines(part)) {
                    scored.add(JsonParser.parseString(line).getAsJsonObject());
                }
            }
        }
        assertEquals(pairs.size(), scored.size());
        try (CrossEncoder library = CrossEncoder.load(Path.of(tiny))) {
            float[] want = library.predict(pairs);
            for (int i = 0; i < want.length; i++) {
                assertEquals(pairs.get(i).a(), scored.get(i).get("a").getAsString());
                assertEquals(want[i], scored.get(i).get("score").getAsFloat());
                assertEquals(1, scored.get(i).getAsJsonArray("logits").size());
            }
        }

        Run missing = run("--model", tmp.resolve("nowhere").toString(), "--input", input.toString(), "--output", tmp.resolve("o").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("error: model directory not found: " + tmp.resolve("nowhere")), missing.err());
        assertFalse(missing.err().contains("\tat "), "no stack trace: " + missing.err());

        Run usage = run("--input", input.toString());
        assertEquals(2, usage.code());
        assertTrue(usage.err().startsWith("error: --model is required"), usage.err());
    }
}
