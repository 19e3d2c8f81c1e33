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
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the Hugging Face hub on 127.0.0.1: serves a model directory at
 * /{repo}/resolve/{revision}/{file}, with the headers the real hub sends, and faults on demand.
 */
final class FakeHub implements AutoCloseable {
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    enum Fault { NONE, SERVER_ERROR_ONCE, CUT_MID_FILE, WRONG_SHA }

    private final HttpServer server;
    private final Map<String, Path> models = new ConcurrentHashMap<>();
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
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

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        requests.add(path);
        // /{org}/{name}/resolve/{revision}/{file}
        String[] parts = path.substring(1).split("/");
        if (parts.length != 5 || !parts[2].equals("resolve")) {
            send(ex, 400, new byte[0]);
            return;
        }
        String repo = parts[0] + "/" + parts[1];
        String file = parts[4];
        Path dir = models.get(repo);
        if (dir == null || !Files.isRegularFile(dir.resolve(file))) {
            send(ex, 404, "Entry not found".getBytes());
            return;
        }
        byte[] body = Files.readAllBytes(dir.resolve(file));
        Fault fault = faults.getOrDefault(file, Fault.NONE);
        if (fault == Fault.SERVER_ERROR_ONCE && served500.getAndIncrement() == 0) {
            send(ex, 500, "Internal Error".getBytes());
            return;
        }
        ex.getResponseHeaders().add("X-Repo-Commit", COMMIT);
        if (file.endsWith(".safetensors") || file.endsWith(".bin")) {
            String sha = sha256(body);
            if (fault == Fault.WRONG_SHA) {
                sha = sha256("something else".getBytes());
            }
            ex.getResponseHeaders().add("X-Linked-Etag", "\"" + sha + "\"");
        }
        if (fault == Fault.CUT_MID_FILE) {
            // Announce the whole body, send half, then drop the connection (an exception out of the
            // handler makes the server close the socket).
            ex.sendResponseHeaders(200, body.length);
            OutputStream out = ex.getResponseBody();
            out.write(body, 0, body.length / 2);
            out.flush();
            throw new IOException("connection cut on purpose");
        }
        send(ex, 200, body);
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
        ex.close();
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    long weightRequests() {
        return requests.stream().filter(r -> r.endsWith(".safetensors") || r.endsWith(".bin")).count();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
