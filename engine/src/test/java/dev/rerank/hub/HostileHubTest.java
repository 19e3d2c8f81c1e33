package dev.rerank.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub client against a hostile mirror on 127.0.0.1 (issue 28, item 1): whatever the headers,
 * revisions, redirects and bodies say, nothing is written outside the cache folder, no download
 * grows past what the hub announced (or a cap), only http(s) redirects are followed, the token
 * never leaves the hub's host, and every refusal is a {@link HubException} naming the problem.
 */
class HostileHubTest {
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    private static final String CONFIG = "{\"model_type\": \"bert\"}";

    @TempDir
    Path tmp;

    private Path cache() {
        return tmp.resolve("cache");
    }

    private Hub hub(ScriptedHub server, String token) {
        return new Hub(new HubSettings(server.endpoint(), cache(), token, false, 5_000), DownloadProgress.NONE);
    }

    private HubException refused(ScriptedHub server, String revision) {
        return assertThrows(HubException.class, () -> hub(server, null).resolve("org/model", revision, Hub.Need.NO_WEIGHTS));
    }

    /** Every path under the temporary folder outside the cache: there must be none. */
    private List<Path> outsideTheCache() throws IOException {
        try (Stream<Path> all = Files.walk(tmp)) {
            return all.filter(p -> !p.equals(tmp) && !p.startsWith(cache())).toList();
        }
    }

    /** A hub whose HEAD of config.json carries these headers; every other file is missing. */
    private static ScriptedHub configHead(String... headers) throws IOException {
        return new ScriptedHub((r, out) -> {
            if (r.method().equals("HEAD") && r.path().endsWith("/config.json")) {
                ScriptedHub.head(out, 200, headers);
            } else {
                ScriptedHub.send(out, 404, "", "X-Error-Code: EntryNotFound");
            }
        });
    }

    @Test
    void aCommitHeaderThatClimbsOutOfTheCacheIsRefused() throws IOException {
        for (String commit : List.of("../../../../escaped", "0123456789abcdef0123456789abcdef0123456/", "ABCDEF" + COMMIT.substring(6),
                "/tmp/escaped", "..", "")) {
            try (ScriptedHub server = configHead("X-Repo-Commit: " + commit, "ETag: \"abc\"", "Content-Length: 2")) {
                HubException e = refused(server, "main");
                assertTrue(e.getMessage().contains("commit"), e.getMessage());
            }
        }
        assertEquals(List.of(), outsideTheCache());
    }

    @Test
    void aRevisionThatClimbsOutOfTheCacheIsRefusedBeforeAnyRequest() throws IOException {
        try (ScriptedHub server = configHead("X-Repo-Commit: " + COMMIT, "ETag: \"abc\"", "Content-Length: 2")) {
            for (String revision : List.of("../../../X", "/etc/passwd", "refs/../../X", "a//b", ".hidden", "x\ny")) {
                HubException e = refused(server, revision);
                assertTrue(e.getMessage().startsWith("invalid revision"), e.getMessage());
                assertFalse(e.getMessage().contains("\n"), "control characters are escaped: " + e.getMessage());
            }
            assertEquals(List.of(), server.requests);
        }
        assertEquals(List.of(), outsideTheCache());
    }

    @Test
    void anEtagThatNamesNoPlainFileIsRefused() throws IOException {
        for (String etag : List.of("\"..\"", "\".\"", "\"../../x\"", "\"a/b\"", "W/\"\"")) {
            try (ScriptedHub server = configHead("X-Repo-Commit: " + COMMIT, "ETag: " + etag, "Content-Length: 2")) {
                HubException e = refused(server, "main");
                assertTrue(e.getMessage().contains("ETag"), e.getMessage());
            }
        }
        assertEquals(List.of(), outsideTheCache());
    }

    @Test
    void sizesAndLocationsThatAreNotNumbersOrAddressesAreNamedErrors() throws IOException {
        try (ScriptedHub server = configHead("X-Repo-Commit: " + COMMIT, "ETag: \"abc\"", "X-Linked-Size: 12abc")) {
            assertTrue(refused(server, "main").getMessage().contains("invalid size"));
        }
        try (ScriptedHub server = configHead("X-Repo-Commit: " + COMMIT, "ETag: \"abc\"", "X-Linked-Size: -5")) {
            assertTrue(refused(server, "main").getMessage().contains("invalid size"));
        }
        try (ScriptedHub server = configHead("X-Repo-Commit: " + COMMIT, "ETag: \"abc\"", "Location: http://[::1")) {
            assertTrue(refused(server, "main").getMessage().contains("invalid redirect"));
        }
    }

    @Test
    void aFileAnnouncedLargerThanTheLimitIsNotDownloaded() throws IOException {
        try (ScriptedHub server = configHead("X-Repo-Commit: " + COMMIT, "ETag: \"abc\"", "X-Linked-Size: " + (Hub.MAX_FILE_BYTES + 1))) {
            HubException e = refused(server, "main");
            assertTrue(e.getMessage().contains("more than the limit"), e.getMessage());
            assertTrue(server.requests.stream().noneMatch(r -> r.method().equals("GET")), "no download was started");
        }
    }

    @Test
    void aBodyLongerThanAnnouncedStopsAtTheAnnouncedSizeAndLeavesNothing() throws IOException {
        ScriptedHub.Script script = (r, out) -> {
            if (r.method().equals("HEAD") && r.path().endsWith("/config.json")) {
                ScriptedHub.head(out, 200, "X-Repo-Commit: " + COMMIT, "ETag: \"abc\"", "Content-Length: 100");
            } else if (r.method().equals("GET")) {
                ScriptedHub.endless(out);
            } else {
                ScriptedHub.send(out, 404, "");
            }
        };
        try (ScriptedHub server = new ScriptedHub(script)) {
            HubException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> refused(server, "main"));
            assertTrue(e.getMessage().contains("more than 100 bytes"), e.getMessage());
        }
        Path blobs = cache().resolve("models--org--model/blobs");
        assertFalse(Files.exists(blobs.resolve("abc")));
        assertFalse(Files.exists(blobs.resolve("abc.incomplete")));
        assertFalse(Files.exists(cache().resolve("models--org--model/snapshots/" + COMMIT + "/config.json")));
    }

    @Test
    void anEndlessBodyOfUnknownSizeStopsAtTheCap() throws IOException {
        try (ScriptedHub server = new ScriptedHub((r, out) -> ScriptedHub.endless(out))) {
            HubClient client = new HubClient(new HubSettings(server.endpoint(), cache(), null, false, 5_000));
            HubClient.Metadata meta = new HubClient.Metadata(COMMIT, "abc", -1, URI.create(server.endpoint() + "/x"));
            Path blob = tmp.resolve("cache/blob");
            HubException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> assertThrows(HubException.class, () -> client.download("config.json", meta, blob, 1 << 20, DownloadProgress.NONE)));
            assertTrue(e.getMessage().contains("more than 1048576 bytes"), e.getMessage());
            assertFalse(Files.exists(blob));
            assertFalse(Files.exists(tmp.resolve("cache/blob.incomplete")));
        }
    }

    @Test
    void redirectsToOtherSchemesAreRefused() throws IOException {
        for (String target : List.of("file:///etc/passwd", "jar:file:///x.jar!/a", "ftp://127.0.0.1/x", "mailto:x@y")) {
            ScriptedHub.Script script = (r, out) -> {
                if (r.method().equals("HEAD") && r.path().endsWith("/config.json")) {
                    ScriptedHub.head(out, 200, "X-Repo-Commit: " + COMMIT, "ETag: \"abc\"", "Content-Length: 2");
                } else if (r.method().equals("GET")) {
                    ScriptedHub.send(out, 302, "", "Location: " + target);
                } else {
                    ScriptedHub.send(out, 404, "");
                }
            };
            try (ScriptedHub server = new ScriptedHub(script)) {
                HubException e = refused(server, "main");
                assertTrue(e.getMessage().contains("only http(s) addresses are followed"), e.getMessage());
            }
        }
    }

    @Test
    void aRedirectToAnotherHostIsFollowedWithoutTheToken() throws IOException {
        ScriptedHub[] self = new ScriptedHub[1];
        ScriptedHub.Script script = (r, out) -> {
            if (r.method().equals("HEAD") && r.path().endsWith("/config.json")) {
                ScriptedHub.head(out, 200, "X-Repo-Commit: " + COMMIT, "ETag: \"abc\"", "Content-Length: " + CONFIG.length(),
                        "Location: " + self[0].otherHost() + "/cdn/abc");
            } else if (r.method().equals("GET") && r.path().equals("/cdn/abc")) {
                ScriptedHub.send(out, 200, CONFIG);
            } else {
                ScriptedHub.send(out, 404, "");
            }
        };
        try (ScriptedHub server = new ScriptedHub(script)) {
            self[0] = server;
            Path snapshot = hub(server, "secret").resolve("org/model", "main", Hub.Need.NO_WEIGHTS);
            assertEquals(CONFIG, Files.readString(snapshot.resolve("config.json")));
            ScriptedHub.Seen head = server.requests.get(0);
            assertEquals("Bearer secret", head.headers().get("authorization"));
            ScriptedHub.Seen cdn = server.requests.stream().filter(r -> r.path().equals("/cdn/abc")).findFirst().orElseThrow();
            assertEquals("localhost:" + URI.create(server.endpoint()).getPort(), cdn.headers().get("host"));
            assertNull(cdn.headers().get("authorization"), "the token stays with the hub's host");
        }
    }

    @Test
    void aRefFileThatIsAFifoIsNoRefAndDoesNotHang() throws Exception {
        HubCache cache = new HubCache(cache(), "org/model");
        Path refs = Files.createDirectories(cache.repo().resolve("refs"));
        Process mkfifo = new ProcessBuilder("mkfifo", refs.resolve("main").toString()).start();
        assertEquals(0, mkfifo.waitFor());
        Optional<String> commit = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> cache.commit("main"));
        assertEquals(Optional.empty(), commit);
        Files.delete(refs.resolve("main"));
        Files.writeString(refs.resolve("main"), "../../escaped\n");
        assertEquals(Optional.empty(), cache.commit("main"), "a ref that is no commit hash is no ref");
    }
}
