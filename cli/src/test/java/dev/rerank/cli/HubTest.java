package dev.rerank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hub client against a fake hub on 127.0.0.1 serving testdata/models/tiny-roberta. */
class HubTest {
    private static final String REPO = "test-org/tiny-roberta";
    @TempDir
    Path tmp;
    private FakeHub hub;
    private Path cache;
    private CliRunner cli;

    @BeforeEach
    void start() throws IOException {
        hub = new FakeHub().serve(REPO, TestData.file("models/tiny-roberta"));
        cache = tmp.resolve("hub-cache");
        cli = new CliRunner(cache).env("HF_ENDPOINT", hub.endpoint());
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private Path snapshot() {
        return cache.resolve("models--test-org--tiny-roberta/snapshots/" + FakeHub.COMMIT);
    }

    /** Files that look like a finished download, or leftovers of an unfinished one. */
    private long files(String suffix) throws IOException {
        if (!Files.exists(cache)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(cache)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).count();
        }
    }

    @Test
    void downloadThenCacheHitWithoutRequests() throws IOException {
        CliRunner.Result r = cli.run("download", REPO);
        assertEquals(0, r.code(), r.err());
        assertEquals(snapshot().toString(), r.out().trim());
        assertTrue(Files.exists(snapshot().resolve("model.safetensors")));
        assertTrue(Files.exists(snapshot().resolve("tokenizer.json")));
        assertEquals(FakeHub.COMMIT, Files.readString(cache.resolve("models--test-org--tiny-roberta/refs/main")));
        // Optional files the model lacks (vocab.json, merges.txt, ...) were 404s, not errors.
        assertTrue(hub.requests.stream().anyMatch(p -> p.endsWith("/vocab.json")));
        assertFalse(Files.exists(snapshot().resolve("vocab.json")));

        int before = hub.requests.size();
        r = cli.run("predict", "--model", REPO, "A man is eating.", "A man eats.");
        assertEquals(0, r.code(), r.err());
        assertEquals(before, hub.requests.size(), "a cached model makes no request");
    }

    @Test
    void unknownModelIsAClearError() {
        CliRunner.Result r = cli.run("download", "test-org/no-such-model");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("error: model test-org/no-such-model (revision main) was not found on http://127.0.0.1:"), r.err());
        assertTrue(r.err().contains("check the id"), r.err());
    }

    @Test
    void serverErrorIsRetried() {
        hub.fault("model.safetensors", FakeHub.Fault.SERVER_ERROR_ONCE);
        CliRunner.Result r = cli.run("download", REPO);
        assertEquals(0, r.code(), r.err());
        assertEquals(2, hub.requests.stream().filter(p -> p.endsWith("/model.safetensors")).count());
        assertTrue(Files.exists(snapshot().resolve("model.safetensors")));
    }

    @Test
    void connectionCutMidFileLeavesNoCompleteLookingFile() throws IOException {
        hub.fault("model.safetensors", FakeHub.Fault.CUT_MID_FILE);
        CliRunner.Result r = cli.run("download", REPO);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("model.safetensors"), r.err());
        assertEquals(HubClient.ATTEMPTS, hub.requests.stream().filter(p -> p.endsWith("/model.safetensors")).count());
        assertEquals(0, files("model.safetensors"), "no file under the real name");
        assertEquals(0, files(".partial"), "no temp file left behind");
        // The next run downloads again instead of trusting a partial file.
        hub.fault("model.safetensors", FakeHub.Fault.NONE);
        assertEquals(0, cli.run("download", REPO).code());
    }

    @Test
    void sha256MismatchIsRefused() throws IOException {
        hub.fault("model.safetensors", FakeHub.Fault.WRONG_SHA);
        CliRunner.Result r = cli.run("download", REPO);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("is corrupt: sha256"), r.err());
        assertEquals(0, files("model.safetensors"));
        assertEquals(0, files(".partial"));
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
    void modelWithOnlyPytorchWeightsIsConvertedOnDownload() throws IOException {
        Path pt = TestData.pytorchOnlyModel(tmp.resolve("pt-model"));
        hub.serve("test-org/pt-only", pt);
        CliRunner.Result r = cli.run("predict", "--model", "test-org/pt-only", "A man is eating.", "A man eats.");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("converted the PyTorch weights"), r.err());
        CliRunner.Result direct = cli.run("predict", "--model", TestData.file("models/tiny-roberta").toString(),
                "A man is eating.", "A man eats.");
        assertEquals(direct.out(), r.out(), "the converted model scores like the original");
        long before = hub.weightRequests();
        r = cli.run("predict", "--model", "test-org/pt-only", "A man is eating.", "A man eats.");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        assertEquals(before, hub.weightRequests());
    }

    @Test
    void etagParsing() {
        String sha = "a".repeat(64);
        assertEquals(sha, HubClient.sha256Of("\"" + sha + "\""));
        assertEquals(sha, HubClient.sha256Of("W/\"" + sha.toUpperCase() + "\""));
        assertEquals(null, HubClient.sha256Of("\"" + "b".repeat(40) + "\""), "a git blob id is not a sha256");
        assertEquals(null, HubClient.sha256Of(null));
    }
}
