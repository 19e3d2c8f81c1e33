package dev.rerank.springai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rerank.CrossEncoder;
import dev.rerank.SentenceEncoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/spring-ai-rag as a user builds and runs it: this repository's tokenizer, engine and
 * rerank-spring-ai installed into an empty local repository, then the example (its own pom, its
 * own target/ removed first) packaged against it and started with {@code mvn spring-boot:run} and
 * with {@code java --add-modules jdk.incubator.vector -jar}, each from the example's directory on
 * its default application.properties (the tiny test models). What it prints as reranked must be
 * {@link CrossEncoder#rank}'s ranking of what it prints as retrieved, and what it retrieved the
 * query's nearest documents by {@link SentenceEncoder}'s embeddings; without the flag, the jar must
 * fail saying where the flag goes. Maven runs in the caller's environment (a machine whose default
 * java is 17 finds JDK 25 through toolchains, as a user's shell would). Other artifacts come from
 * the user's local repository, read as a remote; only those it lacks (Spring Boot's Maven plugin,
 * on a machine that never built a Spring Boot application with it) are fetched from Maven Central.
 * Costs two nested Maven runs (the second starts the application) and two more JVM starts: most of
 * this module's build time.
 */
class SpringAiRagExampleIT {
    private static final Path ROOT = Path.of(System.getProperty("rerank.root", "..")).toAbsolutePath().normalize();
    private static final Path EXAMPLE = ROOT.resolve("examples/spring-ai-rag");
    private static final Pattern RETRIEVED = Pattern.compile("^ +(-?\\d+\\.\\d{4})  (.+)$");
    private static final Pattern RERANKED = Pattern.compile("^ +(\\d+)\\. +(-?\\d+\\.\\d{4})  (.+)$");

    @TempDir
    Path tmp;

    @Test
    void theExampleBuildsStartsAndPrintsTheRerankedDocuments() throws Exception {
        Path settings = settings();
        TestData.deleteTree(EXAMPLE.resolve("target"));
        run(ROOT, List.of("mvn", "-B", "-q", "-s", settings.toString(), "-f", ROOT.resolve("pom.xml").toString(),
                "-pl", "spring-ai", "-am", "install", "-DskipTests", "-Dmaven.javadoc.skip=true", "-Dmaven.source.skip=true"), 0);
        assertTrue(Files.exists(tmp.resolve("repo/dev/rerank/rerank-spring-ai/0.1.0-SNAPSHOT/rerank-spring-ai-0.1.0-SNAPSHOT.jar")));

        String mavenRun = run(EXAMPLE, List.of("mvn", "-B", "-q", "-s", settings.toString(), "package", "spring-boot:run"), 0);
        checkOutput(mavenRun);

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String jar = "target/spring-ai-rag-1.jar";
        checkOutput(run(EXAMPLE, List.of(java, "--add-modules", "jdk.incubator.vector", "-jar", jar), 0));

        String noFlag = run(EXAMPLE, List.of(java, "-jar", jar), 1);
        assertTrue(noFlag.contains("APPLICATION FAILED TO START"), noFlag);
        assertTrue(noFlag.contains("rerank.embedding.model=../../testdata/models/tiny-bert-embed cannot be used: the JVM was started"
                + " without --add-modules jdk.incubator.vector"), noFlag);
        assertTrue(noFlag.contains("java --add-modules jdk.incubator.vector -jar app.jar"), noFlag);
        assertTrue(noFlag.contains("<jvmArguments>--add-modules jdk.incubator.vector</jvmArguments>"), noFlag);
    }

    /** The printed retrieval is the nearest documents by the embedder; the printed reranking is CrossEncoder.rank's. */
    private static void checkOutput(String output) throws IOException {
        List<String> lines = output.lines().toList();
        String query = lines.stream().filter(l -> l.startsWith("Query: ")).findFirst().orElseThrow(() -> new AssertionError(output))
                .substring("Query: ".length());
        List<String> retrieved = new ArrayList<>();
        List<String> reranked = new ArrayList<>();
        for (String line : lines) {
            Matcher r = RERANKED.matcher(line);
            Matcher d = RETRIEVED.matcher(line);
            if (r.matches()) {
                reranked.add(r.group(1) + " " + r.group(2) + " " + r.group(3));
            } else if (d.matches()) {
                retrieved.add(d.group(2));
            }
        }
        assertTrue(output.contains("Retrieved by the vector store (../../testdata/models/tiny-bert-embed): 5 of 10 documents"), output);
        assertEquals(5, retrieved.size(), output);

        List<String> corpus = Files.readAllLines(EXAMPLE.resolve("src/main/resources/documents.txt")).stream()
                .filter(l -> !l.isBlank()).toList();
        try (SentenceEncoder embedder = SentenceEncoder.load(TestData.embedder())) {
            float[] q = embedder.encode(query);
            float[][] docs = embedder.encode(corpus);
            List<String> nearest = corpus.stream()
                    .sorted(Comparator.comparingDouble((String t) -> SentenceEncoder.similarity(q, docs[corpus.indexOf(t)])).reversed())
                    .limit(5).toList();
            assertEquals(nearest, retrieved, output);
        }
        try (CrossEncoder reranker = CrossEncoder.load(TestData.reranker())) {
            List<CrossEncoder.Ranked> ranking = reranker.rank(query, retrieved, 3);
            List<String> want = new ArrayList<>();
            for (int i = 0; i < ranking.size(); i++) {
                want.add((i + 1) + " " + String.format(Locale.ROOT, "%.4f", ranking.get(i).score()) + " " + ranking.get(i).text());
            }
            assertEquals(want, reranked, output);
            assertNotEquals(retrieved.subList(0, 3), ranking.stream().map(CrossEncoder.Ranked::text).toList(),
                    "the reranker reorders what the vectors found");
        }
    }

    /** Local repository in tmp; the user's repository as the first remote, Maven Central after it. */
    private Path settings() throws IOException {
        Path userRepo = Path.of(System.getProperty("user.home"), ".m2", "repository");
        String repos = """
                <repository><id>user-local</id><url>%s</url>
                  <releases><enabled>true</enabled></releases><snapshots><enabled>false</enabled></snapshots></repository>
                <repository><id>central</id><url>https://repo.maven.apache.org/maven2</url>
                  <releases><enabled>true</enabled></releases><snapshots><enabled>false</enabled></snapshots></repository>
                """.formatted(userRepo.toUri());
        Path settings = tmp.resolve("settings.xml");
        Files.writeString(settings, """
                <settings><localRepository>%s</localRepository>
                  <profiles><profile><id>local</id>
                    <repositories>%s</repositories>
                    <pluginRepositories>%s</pluginRepositories>
                  </profile></profiles>
                  <activeProfiles><activeProfile>local</activeProfile></activeProfiles>
                </settings>
                """.formatted(tmp.resolve("repo"), repos, repos.replace("repository>", "pluginRepository>")));
        return settings;
    }

    /** Runs a command in {@code dir} in this process's environment; its output, after checking its exit code. */
    private static String run(Path dir, List<String> command, int expectedExit) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "did not finish: " + command);
        assertEquals(expectedExit, p.exitValue(), String.join(" ", command) + "\n" + out);
        return out;
    }
}
