package dev.rerank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A library user who forgot the Vector API flag gets one sentence naming it, not a NoClassDefFoundError. */
class VectorSupportTest {
    /** Loads the model named by its argument in a JVM of the test's choosing; prints what happened. */
    public static final class Probe {
        public static void main(String[] args) {
            try (CrossEncoder model = CrossEncoder.load(Path.of(args[0]))) {
                System.out.println("loaded: " + model.predict(List.of(new CrossEncoder.Pair("a", "b")))[0]);
            } catch (IllegalStateException e) {
                System.out.println("refused: " + e.getMessage());
                System.exit(3);
            }
        }
    }

    private record Run(int code, String output) {}

    private static Run probe(boolean withFlag) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (withFlag) {
            cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName(),
                TestData.file("models/tiny-roberta").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe JVM did not finish");
        return new Run(p.exitValue(), out);
    }

    @Test
    void withoutTheFlagLoadingSaysWhatToAdd() throws Exception {
        Run r = probe(false);
        assertEquals(3, r.code(), r.output());
        assertTrue(r.output().contains("refused: the JDK's Vector API module is not enabled: start java with "
                + "--add-modules jdk.incubator.vector"), r.output());
        assertFalse(r.output().contains("NoClassDefFoundError"), r.output());
    }

    @Test
    void withTheFlagTheSameProbeLoads() throws Exception {
        Run r = probe(true);
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("loaded: "), r.output());
        assertTrue(VectorSupport.available(), "the test JVM itself runs with the flag");
    }
}
