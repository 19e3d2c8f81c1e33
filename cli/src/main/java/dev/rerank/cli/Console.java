package dev.rerank.cli;

import dev.rerank.hub.HubSettings;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/** What a command talks to: its streams, environment and the repository home (for bundled data). */
record Console(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, Path home) {
    HubSettings hub() {
        return HubSettings.fromEnvironment(env);
    }
}
