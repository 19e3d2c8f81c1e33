package dev.rerank.hub;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A hostile hub on 127.0.0.1 for the hub client's tests: every answer is written byte for byte
 * by the test (any header, any framing, a body that never ends), so the client meets what a
 * malicious mirror or proxy could send. Requests are logged as "METHOD path" with their headers.
 */
final class ScriptedHub implements AutoCloseable {
    /** One request as the hub saw it; header names in lower case. */
    record Seen(String method, String path, Map<String, String> headers) {}

    /** Writes the whole answer to one request. */
    interface Script {
        void answer(Seen request, OutputStream out) throws IOException;
    }

    /** At most this much of an endless body is sent (the client must stop long before). */
    static final long ENDLESS_BOUND = 64L << 20;

    private final ServerSocket listener;
    private final Script script;
    final List<Seen> requests = new CopyOnWriteArrayList<>();

    ScriptedHub(Script script) throws IOException {
        this.script = script;
        this.listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofPlatform().daemon(true).name("scripted-hub").start(this::serve);
    }

    String endpoint() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    /** The same server under another host name: what a redirect to another host reaches. */
    String otherHost() {
        return "http://localhost:" + listener.getLocalPort();
    }

    private void serve() {
        while (!listener.isClosed()) {
            try (Socket s = listener.accept()) {
                s.setSoTimeout(10_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                String line = in.readLine();
                if (line == null) {
                    continue;
                }
                Map<String, String> headers = new TreeMap<>();
                for (String h; (h = in.readLine()) != null && !h.isEmpty(); ) {
                    int colon = h.indexOf(':');
                    headers.put(h.substring(0, colon).toLowerCase(), h.substring(colon + 1).strip());
                }
                String[] parts = line.split(" ");
                Seen seen = new Seen(parts[0], parts[1], headers);
                requests.add(seen);
                OutputStream out = s.getOutputStream();
                script.answer(seen, out);
                out.flush();
            } catch (IOException e) {
                // The client hung up (as it should on an endless body): next connection.
            }
        }
    }

    /** A head with these header lines and a Content-Length body. */
    static void send(OutputStream out, int status, String body, String... headers) throws IOException {
        StringBuilder h = new StringBuilder("HTTP/1.1 " + status + " X\r\nConnection: close\r\n");
        for (String header : headers) {
            h.append(header).append("\r\n");
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        h.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
        out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes);
    }

    /** Only a head (for a HEAD request: its Content-Length describes a body that is not sent). */
    static void head(OutputStream out, int status, String... headers) throws IOException {
        StringBuilder h = new StringBuilder("HTTP/1.1 " + status + " X\r\nConnection: close\r\n");
        for (String header : headers) {
            h.append(header).append("\r\n");
        }
        out.write(h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A 200 whose chunked body goes on until the client stops reading (or {@link #ENDLESS_BOUND}). */
    static void endless(OutputStream out) throws IOException {
        out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        byte[] chunk = ("10000\r\n" + "x".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        for (long sent = 0; sent < ENDLESS_BOUND; sent += 0x10000) {
            out.write(chunk);
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
