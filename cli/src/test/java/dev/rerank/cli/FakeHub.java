package dev.rerank.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the Hugging Face hub on 127.0.0.1, answering as the real one does:
 * {@code HEAD|GET /{repo}/resolve/{revision}/{file}} with X-Repo-Commit and an ETag (a git blob id,
 * or for weights the sha256 in X-Linked-Etag plus X-Linked-Size and a redirect to /cdn/{sha256}
 * as LFS files get), 404 EntryNotFound for a missing file, 401 RepoNotFound for a missing
 * repository; Range requests on the CDN; faults on demand. Requests are logged as
 * "METHOD path" (plus " range=..." when one was asked).
 */
final class FakeHub implements AutoCloseable {
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    enum Fault { NONE, SERVER_ERROR_ONCE, CUT_MID_FILE, WRONG_SHA }

    private final HttpServer server;
    private final Map<String, Path> models = new ConcurrentHashMap<>();
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    private final Map<String, byte[]> cdn = new ConcurrentHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger served500 = new AtomicInteger();

    FakeHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    FakeHub serve(String repo, Path dir) {
        models.put(repo, dir);
        return this;
    }

    FakeHub fault(String file, Fault fault) {
        faults.put(file, fault);
        return this;
    }

    private static boolean lfs(String file) {
        return file.endsWith(".safetensors") || file.endsWith(".bin");
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String range = ex.getRequestHeaders().getFirst("Range");
        requests.add(ex.getRequestMethod() + " " + path + (range != null ? " range=" + range : ""));
        if (path.startsWith("/cdn/")) {
            serveCdn(ex, path.substring("/cdn/".length()), range);
            return;
        }
        // /{org}/{name}/resolve/{revision}/{file}
        String[] parts = path.substring(1).split("/");
        if (parts.length != 5 || !parts[2].equals("resolve")) {
            send(ex, 400, new byte[0]);
            return;
        }
        String repo = parts[0] + "/" + parts[1];
        String file = parts[4];
        Path dir = models.get(repo);
        if (dir == null) {
            ex.getResponseHeaders().add("X-Error-Code", "RepoNotFound");
            send(ex, 401, "Repository not found".getBytes());
            return;
        }
        ex.getResponseHeaders().add("X-Repo-Commit", COMMIT);
        if (!Files.isRegularFile(dir.resolve(file))) {
            ex.getResponseHeaders().add("X-Error-Code", "EntryNotFound");
            send(ex, 404, "Entry not found".getBytes());
            return;
        }
        byte[] body = Files.readAllBytes(dir.resolve(file));
        Fault fault = faults.getOrDefault(file, Fault.NONE);
        if (!lfs(file)) {
            ex.getResponseHeaders().add("ETag", "\"" + hex("SHA-1", body) + "\"");
            send(ex, 200, body);
            return;
        }
        String sha = hex("SHA-256", body);
        String cdnKey = sha + "-" + file;
        cdn.put(cdnKey, body);
        ex.getResponseHeaders().add("X-Linked-Etag", "\"" + (fault == Fault.WRONG_SHA ? hex("SHA-256", "else".getBytes()) : sha) + "\"");
        ex.getResponseHeaders().add("X-Linked-Size", Integer.toString(body.length));
        ex.getResponseHeaders().add("Location", endpoint() + "/cdn/" + cdnKey);
        send(ex, 302, new byte[0]);
    }

    private void serveCdn(HttpExchange ex, String key, String range) throws IOException {
        byte[] body = cdn.get(key);
        if (body == null) {
            send(ex, 404, new byte[0]);
            return;
        }
        String file = key.substring(key.indexOf('-') + 1);
        if (faults.getOrDefault(file, Fault.NONE) == Fault.SERVER_ERROR_ONCE && served500.getAndIncrement() == 0) {
            send(ex, 500, "Internal Error".getBytes());
            return;
        }
        int from = 0;
        if (range != null) {
            from = Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
            if (from >= body.length) {
                send(ex, 416, new byte[0]);
                return;
            }
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
        }
        byte[] part = Arrays.copyOfRange(body, from, body.length);
        int status = range != null ? 206 : 200;
        if (faults.getOrDefault(file, Fault.NONE) == Fault.CUT_MID_FILE) {
            // Announce the whole answer, send half, then drop the connection (an exception out of
            // the handler makes the server close the socket).
            ex.sendResponseHeaders(status, part.length);
            OutputStream out = ex.getResponseBody();
            out.write(part, 0, part.length / 2);
            out.flush();
            throw new IOException("connection cut on purpose");
        }
        send(ex, status, part);
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        boolean head = ex.getRequestMethod().equals("HEAD");
        if (head) {
            ex.getResponseHeaders().add("Content-Length", Integer.toString(body.length));
        }
        ex.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
        ex.close();
    }

    static String hex(String algorithm, byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Weight transfers: GETs of weight bytes (HEADs ask only for metadata). */
    long weightDownloads() {
        return requests.stream().filter(r -> r.startsWith("GET /cdn/")).count();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
