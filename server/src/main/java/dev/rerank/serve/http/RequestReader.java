package dev.rerank.serve.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads HTTP/1.1 requests from one connection, each phase against a deadline: the socket's read
 * timeout is set to the time left before every read, so a client that sends one byte a second
 * cannot stretch a phase beyond its limit. Framing the client got wrong (a body shorter than its
 * Content-Length, a bad chunk size, conflicting lengths) is an {@link HttpError} 400, never a
 * Java exception in the answer.
 */
final class RequestReader {
    private static final int MAX_LINE = 8192;
    private static final int MAX_HEAD = 65536;
    private static final int MAX_HEADERS = 100;

    /** Sets the read timeout of the stream below (a socket's SO_TIMEOUT), in milliseconds. */
    interface ReadTimeout {
        void set(int millis) throws IOException;
    }

    private final ReadTimeout timeout;
    private final InputStream in;
    private final HttpLimits limits;
    private final byte[] buf = new byte[16384];
    private int pos;
    private int end;
    private long deadline;
    private String phase;
    /** The head's clock started with the connection ({@link #awaitFirstRequest}). */
    private boolean headStarted;

    RequestReader(Socket socket, HttpLimits limits) throws IOException {
        this(socket.getInputStream(), socket::setSoTimeout, limits);
    }

    /** A reader of any stream: the fuzz test feeds it request bytes in memory, without a socket per input. */
    RequestReader(InputStream in, ReadTimeout timeout, HttpLimits limits) {
        this.in = in;
        this.timeout = timeout;
        this.limits = limits;
    }

    /** Waits up to the idle timeout for the next request's first byte; false on end of stream or timeout. */
    boolean awaitRequest() throws IOException {
        if (pos < end) {
            return true;
        }
        timeout.set(millis(limits.idleTimeout().toNanos()));
        try {
            return fill();
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /**
     * A new connection's first request: its head must arrive within the header timeout from now
     * (not the idle timeout: a silent connection is not kept for a minute). False when nothing
     * came in time, or the client hung up.
     */
    boolean awaitFirstRequest() throws IOException {
        start(limits.headerTimeout().toNanos(), "the request headers");
        headStarted = true;
        try {
            return pos < end || fill();
        } catch (HttpError timedOut) {
            return false;
        }
    }

    /** The next request; {@code out} gets "100 Continue" when the client asked for it. */
    Request read(OutputStream out) throws IOException {
        if (!headStarted) {
            start(limits.headerTimeout().toNanos(), "the request headers");
        }
        headStarted = false;
        String line = line(414, "request line");
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new HttpError(400, "malformed request line");
        }
        if (!parts[2].equals("HTTP/1.1") && !parts[2].equals("HTTP/1.0")) {
            throw new HttpError(505, "HTTP version not supported: use HTTP/1.1");
        }
        Map<String, String> headers = headers();
        String target = parts[1];
        int q = target.indexOf('?');
        String path = q >= 0 ? target.substring(0, q) : target;
        if (path.isEmpty()) { // "GET ?x HTTP/1.1", found by the fuzz pass: no path to route
            throw new HttpError(400, "malformed request target: no path before the query");
        }
        byte[] body = body(headers, out, parts[2]);
        return new Request(parts[0], path, parts[2], Map.copyOf(headers), body);
    }

    private Map<String, String> headers() throws IOException {
        Map<String, String> headers = new HashMap<>();
        int headBytes = 0;
        for (String line; !(line = line(431, "header line")).isEmpty(); ) {
            headBytes += line.length() + 2;
            if (headBytes > MAX_HEAD || headers.size() >= MAX_HEADERS) {
                throw new HttpError(431, "request headers too large");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t' || line.charAt(colon - 1) == ' ') {
                throw new HttpError(400, "malformed header line");
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            String before = headers.putIfAbsent(name, value);
            if (before != null) {
                if (name.equals("content-length") && !before.equals(value)) {
                    throw new HttpError(400, "conflicting Content-Length headers");
                }
                headers.put(name, before + ", " + value);
            }
        }
        return headers;
    }

    private byte[] body(Map<String, String> headers, OutputStream out, String version) throws IOException {
        String te = headers.get("transfer-encoding");
        String cl = headers.get("content-length");
        if (te != null && cl != null) {
            throw new HttpError(400, "a request may not carry both Content-Length and Transfer-Encoding");
        }
        if (te != null && !te.equalsIgnoreCase("chunked")) {
            throw new HttpError(501, "unsupported Transfer-Encoding '" + te + "': only chunked");
        }
        long length = cl == null ? 0 : contentLength(cl);
        if (length > limits.maxBodyBytes()) {
            throw new HttpError(413, "request body of " + length + " bytes is larger than the limit of " + limits.maxBodyBytes() + " bytes");
        }
        if (te == null && length == 0) {
            return new byte[0];
        }
        String expect = headers.get("expect");
        if (expect != null) {
            if (!expect.equalsIgnoreCase("100-continue")) {
                throw new HttpError(417, "unsupported Expect '" + expect + "'");
            }
            if (version.equals("HTTP/1.1")) {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        }
        start(limits.bodyTimeout().toNanos(), "the request body");
        return te != null ? chunked() : exactly((int) length, "its Content-Length announced");
    }

    private static long contentLength(String value) {
        if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new HttpError(400, "invalid Content-Length '" + abbreviate(value) + "'");
        }
        // More digits than a long holds is simply too large.
        return value.length() > 18 ? Long.MAX_VALUE : Long.parseLong(value);
    }

    private byte[] chunked() throws IOException {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        while (true) {
            String line = line(400, "chunk size line");
            int semi = line.indexOf(';');
            String hex = (semi >= 0 ? line.substring(0, semi) : line).strip();
            if (hex.isEmpty() || hex.length() > 8 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new HttpError(400, "invalid chunk size '" + abbreviate(hex) + "'");
            }
            long size = Long.parseLong(hex, 16);
            if (size == 0) {
                break;
            }
            if (body.size() + size > limits.maxBodyBytes()) {
                throw new HttpError(413, "request body is larger than the limit of " + limits.maxBodyBytes() + " bytes");
            }
            body.write(exactly((int) size, "its chunk size announced"));
            if (!line(400, "chunk end").isEmpty()) {
                throw new HttpError(400, "a chunk is longer than its size");
            }
        }
        int trailerBytes = 0;
        for (String trailer; !(trailer = line(431, "trailer line")).isEmpty(); ) {
            trailerBytes += trailer.length();
            if (trailerBytes > MAX_HEAD) {
                throw new HttpError(431, "request trailers too large");
            }
        }
        return body.toByteArray();
    }

    private byte[] exactly(int n, String promise) throws IOException {
        byte[] out = new byte[n];
        int got = 0;
        while (got < n) {
            if (pos == end && !fill()) {
                throw new HttpError(400, "the request body ended after " + got + " of the " + n + " bytes " + promise);
            }
            int take = Math.min(n - got, end - pos);
            System.arraycopy(buf, pos, out, got, take);
            pos += take;
            got += take;
        }
        return out;
    }

    /** One CRLF- (or LF-) terminated line in ISO-8859-1, without its terminator. */
    private String line(int tooLongStatus, String what) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            if (pos == end && !fill()) {
                throw new HttpError(400, "the connection ended inside a " + what);
            }
            byte b = buf[pos++];
            if (b == '\n') {
                int n = line.length();
                if (n > 0 && line.charAt(n - 1) == '\r') {
                    line.setLength(n - 1);
                }
                return line.toString();
            }
            if (line.length() >= MAX_LINE) {
                throw new HttpError(tooLongStatus, what + " longer than " + MAX_LINE + " bytes");
            }
            line.append((char) (b & 0xff));
        }
    }

    private void start(long nanos, String phase) {
        this.deadline = System.nanoTime() + nanos;
        this.phase = phase;
    }

    /** Reads more bytes, waiting at most until the phase's deadline; false at end of stream. */
    private boolean fill() throws IOException {
        if (deadline != 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw timeoutError();
            }
            timeout.set(millis(left));
        }
        int n;
        try {
            n = in.read(buf, 0, buf.length);
        } catch (SocketTimeoutException e) {
            if (deadline == 0) {
                throw e;
            }
            throw timeoutError();
        }
        if (n <= 0) {
            return false;
        }
        pos = 0;
        end = n;
        return true;
    }

    /** Ends the current request: the next waits on the idle clock. */
    void finish() {
        deadline = 0;
    }

    private HttpError timeoutError() {
        long limit = phase.equals("the request headers") ? limits.headerTimeout().toMillis() : limits.bodyTimeout().toMillis();
        return new HttpError(408, phase + " did not arrive within " + limit + " ms");
    }

    private static int millis(long nanos) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (nanos + 999_999) / 1_000_000));
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
