package dev.rerank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models from a fake hub on 127.0.0.1 (serving testdata/models/tiny-roberta) into a Hugging Face cache. */
class HubTest {
    private static final String REPO = "test-org/tiny-roberta";
    private static final Path TINY = TestData.file("models/tiny-roberta");
    @TempDir
    Path tmp;
    private FakeHub hub;
    private Path cache;
    private CliRunner cli;

    @BeforeEach
    void start() throws IOException {
        hub = new FakeHub().serve(REPO, TINY);
        cache = tmp.resolve("hub-cache");
        cli = new CliRunner(cache).env("HF_ENDPOINT", hub.endpoint());
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private Path repo() {
        return cache.resolve("models--test-org--tiny-roberta");
    }

    private Path snapshot() {
        return repo().resolve("snapshots/" + FakeHub.COMMIT);
    }

    private static String sha256(Path file) throws IOException {
        return FakeHub.hex("SHA-256", Files.readAllBytes(file));
    }

    /** Names of the files under {@code dir} (any depth) that end with {@code suffix}. */
    private static List<String> files(Path dir, String suffix) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).toList();
        }
    }

    @Test
    void downloadWritesHuggingFaceHubsLayoutAndACachedModelMakesNoRequest() throws IOException {
        CliRunner.Result r = cli.run("download", REPO);
        assertEquals(0, r.code(), r.err());
        assertEquals(snapshot().toString(), r.out().trim());
        String weights = sha256(TINY.resolve("model.safetensors"));
        Path link = snapshot().resolve("model.safetensors");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(Path.of("../../blobs/" + weights), Files.readSymbolicLink(link), "relative, to a blob named by sha256");
        assertEquals(weights, sha256(repo().resolve("blobs/" + weights)));
        String tokenizerBlob = FakeHub.hex("SHA-1", Files.readAllBytes(TINY.resolve("tokenizer.json")));
        assertEquals(Path.of("../../blobs/" + tokenizerBlob), Files.readSymbolicLink(snapshot().resolve("tokenizer.json")),
                "a small file's blob is named by its ETag (the git blob id)");
        assertEquals(FakeHub.COMMIT, Files.readString(repo().resolve("refs/main")));
        // Optional files the model lacks were 404s, remembered as .no_exist markers.
        assertTrue(Files.exists(repo().resolve(".no_exist/" + FakeHub.COMMIT + "/vocab.json")));
        assertFalse(Files.exists(snapshot().resolve("vocab.json")));

        int before = hub.requests.size();
        r = cli.run("predict", "--model", REPO, "A man is eating.", "A man eats.");
        assertEquals(0, r.code(), r.err());
        assertEquals(before, hub.requests.size(), "a cached model makes no request");
    }

    @Test
    void readsACacheThatPythonWrote() throws IOException {
        // huggingface_hub's layout, written by hand: refs/main -> commit, snapshot links -> blobs.
        Path repo = cache.resolve("models--someone--from-python");
        String commit = "fedcba9876543210fedcba9876543210fedcba98";
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), commit);
        Files.createDirectories(repo.resolve("blobs"));
        Files.createDirectories(repo.resolve("snapshots/" + commit));
        for (String file : List.of("config.json", "tokenizer.json", "model.safetensors")) {
            String blob = sha256(TINY.resolve(file));
            Files.copy(TINY.resolve(file), repo.resolve("blobs/" + blob));
            Files.createSymbolicLink(repo.resolve("snapshots/" + commit + "/" + file), Path.of("../../blobs/" + blob));
        }
        CliRunner.Result r = cli.run("predict", "--model", "someone/from-python", "A man is eating.", "A man eats.");
        assertEquals(0, r.code(), r.err());
        assertEquals(cli.run("predict", "--model", TINY.toString(), "A man is eating.", "A man eats.").out(), r.out());
        assertEquals(List.of(), hub.requests, "everything came from the cache");
    }

    @Test
    void unknownModelIsAClearError() {
        CliRunner.Result r = cli.run("download", "test-org/no-such-model");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("error: model test-org/no-such-model (revision main) was not found on http://127.0.0.1:"), r.err());
        assertTrue(r.err().contains("check the id"), r.err());
    }

    @Test
    void unreachableHubNamesTheHostCleanly() {
        CliRunner.Result r = new CliRunner(cache).run("predict", "--model", REPO, "a", "b");
        assertEquals(1, r.code());
        assertEquals("error: cannot reach 127.0.0.1:9 for config.json: connection refused; there is no cached copy of "
                + REPO + ": use a local model directory (--model DIR) or check the network\n", r.err());
    }

    @Test
    void serverErrorIsRetried() throws IOException {
        hub.fault("model.safetensors", FakeHub.Fault.SERVER_ERROR_ONCE);
        CliRunner.Result r = cli.run("download", REPO);
        assertEquals(0, r.code(), r.err());
        assertEquals(2, hub.weightDownloads());
        assertEquals(sha256(TINY.resolve("model.safetensors")), sha256(snapshot().resolve("model.safetensors")));
    }

    @Test
    void interruptedDownloadLeavesNothingInSnapshotsAndTheRerunResumes() throws IOException {
        hub.fault("model.safetensors", FakeHub.Fault.CUT_MID_FILE);
        CliRunner.Result r = cli.run("download", REPO);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("model.safetensors"), r.err());
        assertEquals(3, hub.weightDownloads(), "three attempts");
        assertEquals(List.of(), files(repo().resolve("snapshots"), "model.safetensors"), "no link to a partial blob");
        String weights = sha256(TINY.resolve("model.safetensors"));
        assertEquals(List.of(weights + ".incomplete"), files(repo().resolve("blobs"), ".incomplete"));
        // Each retry asked only for the bytes still missing.
        assertTrue(hub.requests.stream().filter(q -> q.startsWith("GET /cdn/")).skip(1).allMatch(q -> q.contains("range=bytes=")),
                hub.requests.toString());

        hub.fault("model.safetensors", FakeHub.Fault.NONE);
        long before = hub.weightDownloads();
        r = cli.run("download", REPO);
        assertEquals(0, r.code(), r.err());
        assertEquals(before + 1, hub.weightDownloads());
        assertTrue(hub.requests.getLast().startsWith("GET /cdn/") && hub.requests.getLast().contains("range=bytes="),
                "the rerun resumed: " + hub.requests.getLast());
        assertEquals(weights, sha256(snapshot().resolve("model.safetensors")));
        assertEquals(List.of(), files(repo(), ".incomplete"));
    }

    @Test
    void sha256MismatchIsRefused() throws IOException {
        hub.fault("model.safetensors", FakeHub.Fault.WRONG_SHA);
        CliRunner.Result r = cli.run("download", REPO);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("is corrupt: sha256"), r.err());
        assertEquals(List.of(), files(repo(), "model.safetensors"));
        assertEquals(List.of(), files(repo(), ".incomplete"));
    }

    @Test
    void offlineModeUsesTheCacheAndNeverTheNetwork() {
        CliRunner offline = new CliRunner(cache).env("HF_ENDPOINT", hub.endpoint()).env("HF_HUB_OFFLINE", "1");
        CliRunner.Result r = offline.run("predict", "--model", REPO, "a", "b");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("HF_HUB_OFFLINE is set and there is no cached copy of " + REPO), r.err());
        assertEquals(0, hub.requests.size());

        assertEquals(0, cli.run("download", REPO).code());
        int before = hub.requests.size();
        r = offline.run("predict", "--model", REPO, "a", "b");
        assertEquals(0, r.code(), r.err());
        assertEquals(before, hub.requests.size());
    }

    @Test
    void tokenizeAndInfoFetchNoWeights() {
        CliRunner.Result r = cli.stdin("{\"text\": \"Hello world\"}\n").run("tokenize", "--model", REPO, "--input", "-");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("{\"ids\":"), r.out());
        r = cli.run("info", REPO);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("6 layers, hidden 40"), r.out());
        assertTrue(r.out().contains("weights:      not downloaded"), r.out());
        assertTrue(hub.requests.stream().noneMatch(q -> q.contains("model.safetensors") || q.contains("/cdn/")),
                hub.requests.toString());
    }

    @Test
    void modelWithOnlyPytorchWeightsIsConvertedIntoTheCacheNotTheSnapshot() throws IOException {
        Path pt = TestData.pytorchOnlyModel(tmp.resolve("pt-model"));
        hub.serve("test-org/pt-only", pt);
        CliRunner.Result r = cli.run("predict", "--model", "test-org/pt-only", "A man is eating.", "A man eats.");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("converted the PyTorch weights"), r.err());
        CliRunner.Result direct = cli.run("predict", "--model", TINY.toString(), "A man is eating.", "A man eats.");
        assertEquals(direct.out(), r.out(), "the converted model scores like the original");
        assertFalse(Files.exists(cache.resolve("models--test-org--pt-only/snapshots/" + FakeHub.COMMIT + "/model.safetensors")),
                "the hub snapshot holds only what the hub has");
        assertEquals(1, files(tmp.resolve("rerank-converted"), "model.safetensors").size());
        long before = hub.weightDownloads();
        r = cli.run("predict", "--model", "test-org/pt-only", "A man is eating.", "A man eats.");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        assertEquals(before, hub.weightDownloads());
    }
}
