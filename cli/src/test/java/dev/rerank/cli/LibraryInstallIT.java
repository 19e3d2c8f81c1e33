package dev.rerank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rerank.CrossEncoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library as another project sees it: {@code mvn install} of tokenizer and engine into an
 * empty local repository, then examples/library-app (its own pom, depending on rerank-engine)
 * built and tested against it. Nothing comes from the network: plugins and gson are read from
 * the user's local repository, declared as a file:// remote. Costs two nested Maven runs (about a
 * minute on a busy two-core machine).
 */
class LibraryInstallIT {
    private static final Path ROOT = Path.of(System.getProperty("rerank.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void installedEngineBuildsAndRunsAnotherProject() throws Exception {
        Path userRepo = Path.of(System.getProperty("user.home"), ".m2", "repository");
        Path settings = tmp.resolve("settings.xml");
        String repo = "<repository><id>user-local</id><url>" + userRepo.toUri() + "</url>"
                + "<releases><enabled>true</enabled></releases><snapshots><enabled>false</enabled></snapshots></repository>";
        Files.writeString(settings, """
                <settings><localRepository>%s</localRepository>
                  <profiles><profile><id>local</id>
                    <repositories>%s</repositories>
                    <pluginRepositories>%s</pluginRepositories>
                  </profile></profiles>
                  <activeProfiles><activeProfile>local</activeProfile></activeProfiles>
                  <mirrors><mirror><id>no-network</id><mirrorOf>*,!user-local</mirrorOf><url>%s</url></mirror></mirrors>
                </settings>
                """.formatted(tmp.resolve("repo"), repo, repo.replace("repository>", "pluginRepository>"), userRepo.toUri()));

        Path tiny = TestData.file("models/tiny-roberta").toAbsolutePath();
        float expected;
        try (CrossEncoder model = CrossEncoder.load(tiny)) {
            expected = model.predict(List.of(new CrossEncoder.Pair("A man is eating.", "A man eats.")))[0];
        }
        mvn(settings, "-f", ROOT.resolve("pom.xml").toString(), "-pl", "engine", "-am", "install",
                "-DskipTests", "-Dmaven.javadoc.skip=true");
        assertTrue(Files.exists(tmp.resolve("repo/dev/rerank/rerank-engine/0.1.0-SNAPSHOT/rerank-engine-0.1.0-SNAPSHOT-sources.jar")));
        mvn(settings, "-f", ROOT.resolve("examples/library-app/pom.xml").toString(), "verify",
                "-Drerank.model=" + tiny, "-Drerank.expected=" + expected);
    }

    private void mvn(Path settings, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("mvn", "-B", "-q", "-s", settings.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "maven did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + "\n" + out);
    }
}
