package dev.rerank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's share of issue 28's smaller items (10, and 7): input that is not UTF-8 is
 * refused from stdin as from a file, naming the line; lenient JSON is refused; error lines escape
 * the control characters that files put in them; eval refuses gold scores that are not finite; a
 * plain document starting with '{' ranks; a --threads above the cores runs on the cores, with a note.
 */
class UntrustedInputCliTest {
    @TempDir
    Path tmp;

    private CliRunner cli() {
        return new CliRunner(tmp.resolve("cache"));
    }

    private static String tiny() {
        return TestData.file("models/tiny-roberta").toString();
    }

    private static byte[] linesWithBadByteOnLineTwo() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("{\"a\": \"fine\", \"b\": \"text\"}\n{\"a\": \"bad ".getBytes(StandardCharsets.UTF_8));
        b.write(0xff);
        b.writeBytes(" byte\", \"b\": \"x\"}\n".getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    @Test
    void invalidUtf8IsRefusedFromStdinAsFromAFileNamingTheLine() throws IOException {
        CliRunner.Result r = cli().stdin(linesWithBadByteOnLineTwo()).run("predict", "--model", tiny(), "--input", "-");
        assertEquals(1, r.code(), r.err());
        assertEquals("error: input line 2: not valid UTF-8", r.err().strip());
        Path file = Files.write(tmp.resolve("pairs.jsonl"), linesWithBadByteOnLineTwo());
        r = cli().run("predict", "--model", tiny(), "--input", file.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals("error: input line 2 of " + file + ": not valid UTF-8", r.err().strip());
    }

    @Test
    void lenientJsonInputIsRefused() {
        for (String line : List.of("{'a': 'x', 'b': 'y'}", "{\"a\": \"x\", \"b\": \"y\"} // note", "{a: \"x\", b: \"y\"}")) {
            CliRunner.Result r = cli().stdin(line + "\n").run("predict", "--model", tiny(), "--input", "-");
            assertEquals(1, r.code(), line + ": " + r.err());
            assertTrue(r.err().startsWith("error: input line 1: not valid JSON"), r.err());
        }
    }

    @Test
    void controlCharactersFromFilesAreEscapedInTheErrorLine() throws IOException {
        Path model = Files.createDirectory(tmp.resolve("model"));
        for (String file : List.of("config.json", "tokenizer.json", "tokenizer_config.json")) {
            Files.copy(TestData.file("models/tiny-roberta/" + file), model.resolve(file));
        }
        String evil = "evil\\u001b[2J\\nsecond line\\u202e";
        Files.writeString(model.resolve("model.safetensors.index.json"), "{\"weight_map\": {\"a\": \"" + evil + "\"}}");
        CliRunner.Result r = cli().run("predict", "--model", model.toString(), "a", "b");
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertFalse(r.err().chars().anyMatch(c -> c < 0x20 && c != '\n' || c == 0x202e), r.err());
        assertTrue(r.err().contains("\\u001b"), r.err());
    }

    @Test
    void printableEscapesEveryControlCharacter() {
        assertEquals("a\\nb\\tc\\u001b[0m\\u202ed\\u0085", Main.printable("a\nb\tc\u001b[0m\u202ed\u0085"));
        assertEquals("plain ünïcode", Main.printable("plain ünïcode"));
    }

    @Test
    void evalRefusesGoldScoresThatAreNotFinite() throws IOException {
        Path data = tmp.resolve("sts.tsv");
        Files.writeString(data, "main\tx\t2012\t1\t4.0\tA man eats.\tA man is eating.\n"
                + "main\tx\t2012\t2\tNaN\tA dog runs.\tA cat sleeps.\n");
        CliRunner.Result r = cli().run("eval", "--model", tiny(), "--data", data.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("line 2: score 'NaN' is not a finite number"), r.err());
    }

    @Test
    void aPlainDocumentStartingWithABraceRanks() {
        CliRunner.Result r = cli().stdin("{braces} open this plain document\n\"a JSON string\"\n{\"text\": \"an object\"}\n")
                .run("rank", "--model", tiny(), "--query", "q", "--input", "-");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("{braces} open this plain document") && r.out().contains("a JSON string")
                && r.out().contains("an object"), r.out());
    }

    @Test
    void moreThreadsThanCoresRunOnTheCoresWithANote() {
        int cores = Runtime.getRuntime().availableProcessors();
        assumeTrue(cores < 1024);
        CliRunner.Result r = cli().run("predict", "--model", tiny(), "--threads", "1024", "a", "b");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("--threads 1024 is more than the " + cores + " available processors; running " + cores), r.err());
    }
}
