package dev.rerank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The {@code ./rerank} launcher and {@code java -jar rerank.jar} as real processes, after
 * {@code package} built the jar: signals reach the JVM, exit codes pass through, the incubator
 * notice is gone, and a missing Vector API flag is one clear line.
 */
class LauncherIT {
    private static final Path ROOT = Path.of(System.getProperty("rerank.root", "..")).toAbsolutePath().normalize();
    private static final String TINY = TestData.file("models/tiny-roberta").toAbsolutePath().toString();

    private record Run(int code, String out, String err) {}

    private static ProcessBuilder launcher(String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve("rerank").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return pb;
    }

    private static Run run(ProcessBuilder pb) throws IOException, InterruptedException {
        pb.redirectError(ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        p.getOutputStream().close();
        var err = new java.util.concurrent.CompletableFuture<String>();
        Thread.ofVirtual().start(() -> {
            try {
                err.complete(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                err.completeExceptionally(e);
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the process did not finish");
        return new Run(p.exitValue(), out, err.join());
    }

    @Test
    void backgroundedServeStopsOnSigtermToTheLauncherPid() throws Exception {
        Process p = launcher("serve", "--model", TINY, "--port", "0", "--threads", "1")
                .redirectErrorStream(true).start();
        try {
            // The pid we started is the launcher's, as `$!` is; after exec it must be java itself.
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            Pattern serving = Pattern.compile("serving on http://127\\.0\\.0\\.1:(\\d+)");
            List<String> lines = new ArrayList<>();
            int port = -1;
            for (String line; port < 0 && (line = out.readLine()) != null; ) {
                lines.add(line);
                Matcher m = serving.matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
            }
            assertTrue(port > 0, "no port announced: " + lines);
            assertFalse(String.join("\n", lines).contains("incubator"), "the notice is filtered: " + lines);
            String command = p.toHandle().info().command().orElse("");
            assertTrue(command.endsWith("/java"), "the launcher's pid runs java, not " + command);
            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());

            new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the server outlived SIGTERM to the launcher's pid");
            assertEquals(0, p.exitValue(), "a graceful stop exits 0");
            assertTrue(out.readLine().contains("rerank: stopped"), "the JVM's last line still gets through");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void exitCodesAndStreamsPassThrough() throws Exception {
        Run ok = run(launcher("predict", "--model", TINY, "A man is eating.", "A man eats."));
        assertEquals(0, ok.code(), ok.err());
        Float.parseFloat(ok.out().trim());
        assertEquals("", ok.err(), "nothing on stderr, not even the incubator notice");

        for (String max : new String[] {"2", "100000"}) {
            Run usage = run(launcher("predict", "--model", TINY, "--max-length", max, "a", "b"));
            assertEquals(2, usage.code(), usage.err());
            assertTrue(usage.err().startsWith("error: --max-length must be"), usage.err());
        }
        Run missing = run(launcher("predict", "--model", "/no/such/model", "a", "b"));
        assertEquals(1, missing.code(), missing.err());
        assertEquals("error: model directory not found: /no/such/model\n", missing.err());
    }

    @Test
    void buildOutputsDoNotMakeTheJarStale() throws Exception {
        // What `mvn verify` leaves behind (JMH's generated sources, say) is newer than the jar.
        Path generated = ROOT.resolve("cli/target/generated-sources/probe/Probe.java");
        Files.createDirectories(generated.getParent());
        Files.writeString(generated, "class Probe {}\n");
        Files.setLastModifiedTime(generated, FileTime.from(Instant.now().plusSeconds(60)));
        try {
            Run r = run(launcher("--version"));
            assertEquals(0, r.code(), r.err());
            assertFalse(r.err().contains("building"), "rebuilt for a file under target/: " + r.err());
        } finally {
            Files.delete(generated);
        }
    }

    @Test
    void jarWithoutTheVectorFlagSaysWhatToAdd() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Run r = run(new ProcessBuilder(java.toString(), "-jar", ROOT.resolve("cli/target/rerank.jar").toString(),
                "predict", "--model", TINY, "a", "b"));
        assertEquals(1, r.code(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("error: the JDK's Vector API module is not enabled: run java "
                + "--add-modules jdk.incubator.vector -jar rerank.jar"), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void jarOnAnOlderJavaSaysWhichIsNeeded() throws Exception {
        // The machine's default java is often older (17 here); the jar's entry point still loads there.
        Path old = olderJava();
        Assumptions.assumeTrue(old != null, "no JDK older than 25 beside " + System.getProperty("java.home"));
        Run r = run(new ProcessBuilder(old.toString(), "-jar", ROOT.resolve("cli/target/rerank.jar").toString(),
                "predict", "--model", TINY, "a", "b"));
        assertEquals(1, r.code(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("error: rerank needs Java 25 or newer, but this java is version "), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line, no JVM LinkageError text: " + r.err());
    }

    /** A java older than 25 among the JDKs installed beside this one (their release files say which), or null. */
    private static Path olderJava() throws IOException {
        Path jvms = Path.of(System.getProperty("java.home")).getParent();
        try (var dirs = Files.list(jvms)) {
            for (Path dir : dirs.sorted().toList()) {
                Path release = dir.resolve("release");
                Path java = dir.resolve("bin/java");
                if (!Files.isRegularFile(release) || !Files.isExecutable(java)) {
                    continue;
                }
                Matcher m = Pattern.compile("JAVA_VERSION=\"(?:1\\.)?(\\d+)").matcher(Files.readString(release));
                if (m.find() && Integer.parseInt(m.group(1)) >= 8 && Integer.parseInt(m.group(1)) < JarMain.NEEDED) {
                    return java;
                }
            }
        }
        return null;
    }
}
