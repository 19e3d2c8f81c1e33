package dev.rerank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rerank predict --input big.jsonl | head -1} (and tokenize): once the reader of stdout is
 * gone, the command stops at its next chunk (exit 141, nothing on stderr) instead of scoring every line for
 * nobody. A real process, since only a real pipe breaks.
 */
class ClosedOutputTest {
    /**
     * Scoring all of them on the tiny model takes about 15 s on an idle 2-core machine (20,000 took
     * 7 s, measured), far beyond the bound below; one chunk of 256 takes about 0.1 s.
     */
    private static final int LINES = 40_000;
    private static final long BOUND_SECONDS = 5;

    @TempDir
    Path tmp;

    @Test
    void predictStopsSoonAfterItsOutputIsClosed() throws Exception {
        Path input = lines(i -> "{\"a\": \"query " + i + " about something\", \"b\": \"a document of some words, number " + i + "\"}");
        long ms = stopsAfterFirstLine(BOUND_SECONDS, "{\"score\":", "predict", "--model",
                TestData.file("models/tiny-roberta").toString(), "--input", input.toString(), "--threads", "1");
        assertTrue(ms < BOUND_SECONDS * 1000, "stopped " + ms + " ms after the close");
    }

    /**
     * tokenize is fast enough that finishing all lines would not take long, so what this holds is
     * the exit status: before, the write errors were swallowed and it exited 0 after "writing" them all.
     */
    @Test
    void tokenizeStopsAndSaysSoByItsStatus() throws Exception {
        Path input = lines(i -> "{\"text\": \"a sentence of some words, number " + i + "\"}");
        stopsAfterFirstLine(30, "{\"ids\":", "tokenize", "--model", TestData.file("models/tiny-roberta").toString(),
                "--input", input.toString());
    }

    private Path lines(java.util.function.IntFunction<String> line) throws Exception {
        Path input = tmp.resolve("big.jsonl");
        try (Writer w = Files.newBufferedWriter(input, StandardCharsets.UTF_8)) {
            for (int i = 0; i < LINES; i++) {
                w.write(line.apply(i) + "\n");
            }
        }
        return input;
    }

    /**
     * Runs the CLI with {@code args}, reads its first line, closes its stdout as {@code head -1}
     * would, and checks it then ends within {@code seconds}, with status 141 and nothing on stderr.
     * Returns the milliseconds from the close to its end.
     */
    private long stopsAfterFirstLine(long seconds, String firstLineStart, String... args) throws Exception {
        Path stderr = tmp.resolve("stderr.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), "dev.rerank.cli.Main"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertTrue(first != null && first.startsWith(firstLineStart), "first line: " + first);
            long closed = System.nanoTime();
            p.getInputStream().close(); // as head -1 exits
            assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), "still running " + seconds + " s after stdout was closed");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closed);
            assertEquals(Results.CLOSED_STATUS, p.exitValue(), "exit status; stderr: " + Files.readString(stderr));
            // The JVM's own incubator notice is no message of ours (the ./rerank launcher filters it).
            String err = Files.readString(stderr).replace("WARNING: Using incubator modules: jdk.incubator.vector\n", "");
            assertEquals("", err, "quiet: no message, no stack trace (stopped after " + ms + " ms)");
            return ms;
        } finally {
            p.destroyForcibly();
        }
    }
}
