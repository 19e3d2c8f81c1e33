package dev.rerank.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs the real CLI entry point in-process: arguments and stdin in; stdout, stderr and exit code out. */
final class CliRunner {
    record Result(int code, String out, String err) {}

    private final Map<String, String> env = new HashMap<>();
    private byte[] stdin = new byte[0];

    CliRunner(Path cache) {
        env.put("HF_HUB_CACHE", cache.toString());
        env.put("HF_ENDPOINT", "http://127.0.0.1:9"); // nothing listens there: no test reaches the real hub
        env.put("RERANK_HUB_TIMEOUT", "5"); // a test never waits long on a stalled transfer
    }

    CliRunner env(String key, String value) {
        env.put(key, value);
        return this;
    }

    CliRunner stdin(String text) {
        stdin = text.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    /** Standard input as raw bytes (which need not be UTF-8). */
    CliRunner stdin(byte[] bytes) {
        stdin = bytes.clone();
        return this;
    }

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new Console(new ByteArrayInputStream(stdin),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env, TestData.dir().toAbsolutePath().getParent()));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
