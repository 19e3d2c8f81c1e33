package dev.rerank.hub;

import dev.rerank.testkit.Fuzz;
import dev.rerank.testkit.Mutator;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fuzz pass over what a hub (or a mirror, or a proxy) answers to a HEAD (issue 28): mutated
 * response heads go through {@link HubClient#parseHead}, and every name the answer yields through
 * the cache paths it would name ({@link HubCache}). The invariant: a {@link HubException} with a
 * short message, or metadata whose commit is 40 hex digits, whose blob name and snapshot paths
 * stay inside the cache, whose size is known or -1, and whose location is an http(s) address.
 *
 * <p>CI runs {@link Fuzz#INPUTS} inputs; the long run is {@code mvn -B -pl tokenizer,engine test-compile
 * surefire:test@default-test -Dsurefire.failIfNoSpecifiedTests=false -Dtest='HubFuzzTest' -Drerank.fuzz.inputs=1000000}.
 */
class HubFuzzTest {
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    private static final URI REQUEST = URI.create("https://hub.example/org/model/resolve/main/config.json");

    @TempDir
    Path cache;

    private static final List<String> SEEDS = List.of(
            "HTTP/1.1 200 OK\r\nX-Repo-Commit: " + COMMIT + "\r\nETag: \"0a1b2c3d\"\r\nContent-Length: 512\r\n\r\n",
            "HTTP/1.1 302 Found\r\nX-Repo-Commit: " + COMMIT + "\r\nX-Linked-Etag: \"" + "ab".repeat(32) + "\"\r\n"
                    + "X-Linked-Size: 1048576\r\nLocation: https://cdn.example/blobs/x?sig=1\r\n\r\n",
            "HTTP/1.1 404 Not Found\r\nX-Error-Code: EntryNotFound\r\nX-Repo-Commit: " + COMMIT + "\r\n\r\n",
            "HTTP/1.1 401 Unauthorized\r\nX-Error-Code: RepoNotFound\r\n\r\n",
            "HTTP/1.1 200 OK\r\nX-Repo-Commit: " + COMMIT + "\r\nETag: W/\"abc-123\"\r\nLocation: /api/resolve-cache/x\r\n\r\n");

    private static final String[] ODD_LINES = {"X-Repo-Commit: ../../../../x", "X-Repo-Commit: " + COMMIT.toUpperCase(Locale.ROOT),
            "X-Repo-Commit: ", "ETag: \"..\"", "ETag: \".\"", "ETag: \"a/b\"", "ETag: W/", "X-Linked-Etag: \"../x\"",
            "X-Linked-Size: -1", "X-Linked-Size: 99999999999999999999", "X-Linked-Size: 1e9", "Content-Length: 00",
            "Location: file:///etc/passwd", "Location: http://[::1", "Location: //other.example/x", "Location: jar:file:/x!/y",
            "Location: http://h/../../x", "Location: \u0000", "X-Error-Code: RepoNotFound", "HTTP/1.1 500 X", "HTTP/1.1 429 X",
            "HTTP/1.1 403 X", "HTTP/1.1 99999999999 X", "HTTP/1.1 abc", "", ":", "x".repeat(300)};

    /** The status line and headers as HttpURLConnection would give them (the first value of a repeated header). */
    private static void parse(byte[] input, Path cache) {
        String[] lines = new String(input, StandardCharsets.ISO_8859_1).split("\r?\n", -1);
        int status;
        try {
            status = Integer.parseInt(lines[0].split(" ", 3)[1]);
        } catch (RuntimeException e) {
            status = -1; // what HttpURLConnection reports for an unreadable status line
        }
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < lines.length && !lines[i].isEmpty(); i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(lines[i].substring(0, colon).strip(), lines[i].substring(colon + 1).strip());
            }
        }
        HubClient.Metadata m = HubClient.parseHead("config.json", status, headers::get, REQUEST,
                commit -> URI.create("https://hub.example/org/model/resolve/" + commit + "/config.json"));
        if (m.missing()) {
            return;
        }
        String scheme = m.location().getScheme();
        if (!HubNames.isCommit(m.commit()) || m.size() < -1 || !(scheme.equals("https") || scheme.equals("http"))
                || m.location().getHost() == null) {
            throw new AssertionError("accepted an answer that does not hold together: " + m);
        }
        HubCache c = new HubCache(cache, "org/model");
        Path snapshot = c.snapshot(m.commit());
        Path blob = c.blob(m.etag());
        Path root = c.repo().toAbsolutePath().normalize();
        for (Path p : List.of(snapshot, blob, snapshot.resolve("config.json"))) {
            if (!p.toAbsolutePath().normalize().startsWith(root)) {
                throw new AssertionError("a path outside the cache: " + p);
            }
        }
    }

    private static byte[] mutate(Mutator m, byte[] seed, byte[] other) {
        return m.coin() ? m.lines(new String(seed, StandardCharsets.ISO_8859_1), ODD_LINES).getBytes(StandardCharsets.ISO_8859_1)
                : m.bytes(seed, other);
    }

    @Test
    void headAnswers() throws Exception {
        Fuzz f = new Fuzz("hub-head", input -> parse(input, cache), HubException.class);
        List<byte[]> seeds = SEEDS.stream().map(s -> s.getBytes(StandardCharsets.ISO_8859_1)).toList();
        Fuzz.Report seedsOnly = f.run(seeds, 20, 0, (m, ab) -> ab[0]);
        if (seedsOnly.accepted() != seedsOnly.tried()) {
            throw new AssertionError("a seed does not parse: " + seedsOnly.line());
        }
        Fuzz.assertClean(f.replay(Path.of(System.getProperty("rerank.testdata", "../testdata"), "fuzz-corpus", "hub-head")));
        Fuzz.assertClean(f.run(seeds, Fuzz.INPUTS, Fuzz.SEED, (m, ab) -> mutate(m, ab[0], ab[1])));
    }
}
