package dev.rerank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** rerank convert draws a read bar and a write bar on stderr when it is a terminal, and nothing otherwise. */
class ConvertProgressTest {
    /** A finished bar: full, and its count at its total. */
    private static final Pattern FULL = Pattern.compile("\r(reading|writing) \\[#{24}\\] (\\S+ [kM]B) / \\2 ");

    @TempDir
    Path tmp;
    private CliRunner cli;

    @BeforeEach
    void setUp() {
        cli = new CliRunner(tmp.resolve("cache"));
    }

    @AfterEach
    void clearTerminal() {
        System.clearProperty(Progress.TERMINAL_PROPERTY);
    }

    /** The steps whose bar reached its end, in the order drawn. */
    private static List<String> fullBars(String err) {
        List<String> steps = new ArrayList<>();
        var m = FULL.matcher(err);
        while (m.find()) {
            steps.add(m.group(1));
        }
        return steps;
    }

    @ParameterizedTest
    @CsvSource({
            "models/tiny-roberta-pt/pytorch_model.bin, '', reading writing",
            "models/checkpoints/sharded/pytorch_model.bin.index.json, '', reading writing",
            "models/checkpoints/legacy-format.bin, '', reading writing",
            "models/tiny-bert-onnx/model.onnx, '', reading writing",
            "models/tiny-roberta/model.safetensors, bf16, reading writing",
            // A checkpoint with --dtype is converted, then rewritten: two of each.
            "models/tiny-roberta-pt/pytorch_model.bin, f16, reading writing reading writing"})
    void barsOnlyWhenStderrIsATerminal(String source, String dtype, String expectedBars) throws IOException {
        List<String> args = new ArrayList<>(List.of("convert", TestData.file(source).toString()));
        if (!dtype.isEmpty()) {
            args.addAll(List.of("--dtype", dtype));
        }
        args.add("--out");

        CliRunner.Result plain = cli.run(with(args, tmp.resolve("plain")));
        assertEquals(0, plain.code(), plain.err());
        assertEquals("", plain.err(), "not a terminal (a pipe, here): no frames");

        System.setProperty(Progress.TERMINAL_PROPERTY, "true");
        CliRunner.Result shown = cli.run(with(args, tmp.resolve("shown")));
        assertEquals(0, shown.code(), shown.err());
        assertEquals(List.of(expectedBars.split(" ")), fullBars(shown.err()), shown.err());
        assertTrue(shown.err().endsWith("\r\033[K"), "the last bar is cleared: " + shown.err());
        assertEquals(tmp.resolve("shown/model.safetensors").toString(), shown.out().trim(), "stdout has the path only");
        assertEquals(-1, Files.mismatch(tmp.resolve("plain/model.safetensors"), tmp.resolve("shown/model.safetensors")),
                "the bars change nothing in the output");
    }

    @Test
    void aFailedConversionClearsItsBarBeforeTheError() throws IOException {
        // The first shard is read, the second is corrupt: the bar stops part-way.
        Path sharded = Files.createDirectories(tmp.resolve("sharded"));
        for (String f : new String[] {"pytorch_model.bin.index.json", "pytorch_model-00001-of-00002.bin"}) {
            Files.copy(TestData.file("models/checkpoints/sharded/" + f), sharded.resolve(f));
        }
        Files.copy(TestData.file("models/checkpoints/corrupt-truncated.bin"), sharded.resolve("pytorch_model-00002-of-00002.bin"));
        System.setProperty(Progress.TERMINAL_PROPERTY, "true");
        CliRunner.Result r = cli.run("convert", sharded.toString(), "--out", tmp.resolve("out").toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("\rreading [") && r.err().contains("not a readable zip"), r.err());
        assertTrue(fullBars(r.err()).isEmpty(), "no bar claims to be done: " + r.err());
        String last = r.err().substring(r.err().lastIndexOf('\r') + 1);
        assertTrue(last.startsWith("\033[Kerror: "), "the error starts on a cleared line: " + r.err());
    }

    @Test
    void aModelConvertedOnTheWayToScoringShowsItsBarsToo() throws IOException {
        Path model = TestData.pytorchOnlyModel(tmp.resolve("pt-only"));
        System.setProperty(Progress.TERMINAL_PROPERTY, "true");
        CliRunner.Result r = cli.run("predict", "--model", model.toString(), "A man is eating.", "A man eats.");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("reading", "writing"), fullBars(r.err()), r.err());
    }

    private static String[] with(List<String> args, Path out) {
        List<String> all = new ArrayList<>(args);
        all.add(out.toString());
        return all.toArray(String[]::new);
    }
}
