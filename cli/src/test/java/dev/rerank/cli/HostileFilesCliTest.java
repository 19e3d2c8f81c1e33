package dev.rerank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17, item 9 at the command line: a named error and exit code, never a hang or a flood of threads. */
class HostileFilesCliTest {
    @TempDir
    Path tmp;

    @Test
    void anAbsurdThreadCountIsAUsageError() {
        CliRunner cli = new CliRunner(tmp.resolve("cache"));
        String tiny = TestData.file("models/tiny-roberta").toString();
        CliRunner.Result r = cli.run("predict", "--model", tiny, "--threads", "1000000000", "a", "b");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: --threads must be at most 1024, got 1000000000"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void aFifoForWeightsIsAnErrorNotAHang() throws Exception {
        Path model = Files.createDirectory(tmp.resolve("model"));
        for (String file : new String[] {"config.json", "tokenizer.json", "tokenizer_config.json"}) {
            Files.copy(TestData.file("models/tiny-roberta/" + file), model.resolve(file));
        }
        for (String weights : new String[] {"pytorch_model.bin", "model.safetensors"}) {
            Path fifo = model.resolve(weights);
            assumeTrue(mkfifo(fifo), "mkfifo is not available");
            CliRunner cli = new CliRunner(tmp.resolve("cache"));
            CliRunner.Result r = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> cli.run("predict", "--model", model.toString(), "a", "b"));
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().startsWith("error: ") && r.err().contains(weights + ": not a regular file"), r.err());
            r = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> cli.run("inspect", fifo.toString()));
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().contains("not a regular file"), r.err());
            Files.delete(fifo);
        }
    }

    @Test
    void aFifoForAnOnnxExportIsAnErrorNotAHang() throws Exception {
        Path fifo = tmp.resolve("model.onnx");
        assumeTrue(mkfifo(fifo), "mkfifo is not available");
        CliRunner cli = new CliRunner(tmp.resolve("cache"));
        CliRunner.Result r = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> cli.run("inspect", fifo.toString()));
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("model.onnx: not a regular file"), r.err());
    }

    private static boolean mkfifo(Path path) throws IOException, InterruptedException {
        return new ProcessBuilder("mkfifo", path.toString()).start().waitFor() == 0;
    }
}
