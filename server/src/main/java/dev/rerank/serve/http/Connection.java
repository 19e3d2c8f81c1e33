package dev.rerank.serve.http;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One client connection on its own virtual thread: reads a request, hands it to the handler,
 * writes the answer, and repeats while the client keeps the connection alive. Each request is
 * answered exactly once, by its handler or — when the server stops before the handler is done —
 * by the server with a 503, whichever comes first.
 */
final class Connection {
    enum State { IDLE, READING, HANDLING }

    private final Socket socket;
    private final HttpLimits limits;
    private final Handler handler;
    private final ReentrantLock answerLock = new ReentrantLock();
    private volatile State state = State.IDLE;
    private volatile long writeDeadline;
    private volatile long idleSince = System.nanoTime();
    private boolean answered;

    Connection(Socket socket, HttpLimits limits, Handler handler) {
        this.socket = socket;
        this.limits = limits;
        this.handler = handler;
    }

    State state() {
        return state;
    }

    /**
     * Serves requests until the client leaves, an error ends the connection, or {@code stopping}
     * says so. A request holds one of {@code slots} from its first byte until it is answered; a
     * connection that is silent (new, or kept alive between requests) holds none. A new connection
     * must send its first request's head within the header timeout, or it is closed unanswered.
     */
    void serve(java.util.function.BooleanSupplier stopping, Semaphore slots) {
        try {
            socket.setTcpNoDelay(true);
            RequestReader reader = new RequestReader(socket, limits);
            OutputStream out = socket.getOutputStream();
            for (boolean first = true; !stopping.getAsBoolean() && (first ? reader.awaitFirstRequest() : reader.awaitRequest());
                 first = false) {
                if (!slots.tryAcquire()) {
                    state = State.READING;
                    if (answer(Response.error(503, "too many requests in progress; try again shortly")
                            .withHeader("Retry-After", "1"), true)) {
                        discardUnread();
                    }
                    return;
                }
                try {
                    if (!serveOne(reader, out, stopping)) {
                        return;
                    }
                } finally {
                    slots.release();
                }
            }
        } catch (IOException e) {
            // The client went away or timed out while idle: nothing to answer.
        } finally {
            close();
        }
    }

    /** Reads, handles and answers one request; false when the connection is finished. */
    private boolean serveOne(RequestReader reader, OutputStream out, java.util.function.BooleanSupplier stopping) throws IOException {
        answerLock.lock();
        try {
            answered = false;
            state = State.READING;
        } finally {
            answerLock.unlock();
        }
        Request request;
        try {
            request = reader.read(out);
        } catch (HttpError e) {
            // The framing is unknown after a bad request: answer and hang up.
            if (answer(Response.error(e.status(), e.getMessage()), true)) {
                discardUnread();
            }
            return false;
        }
        state = State.HANDLING;
        Response response = handler.handle(request);
        boolean close = stopping.getAsBoolean() || !keepAlive(request);
        if (!answer(response, close) || close) {
            return false;
        }
        reader.finish();
        idleSince = System.nanoTime();
        state = State.IDLE;
        return true;
    }

    /** When this connection last became idle (opened, or answered its last request). */
    long idleSince() {
        return idleSince;
    }

    /**
     * Writes the response unless this request was already answered; false when it was (or the
     * write failed), in which case the connection is finished.
     */
    boolean answer(Response response, boolean close) {
        answerLock.lock();
        try {
            if (answered) {
                return false;
            }
            answered = true;
            writeDeadline = System.nanoTime() + limits.bodyTimeout().toNanos();
            OutputStream out = socket.getOutputStream();
            out.write(head(response, close));
            out.write(response.body());
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            writeDeadline = 0;
            answerLock.unlock();
        }
    }

    /**
     * Answers the request in progress (if any and not yet answered) and closes the connection. A
     * connection stuck writing to a client that does not read is simply closed.
     */
    void abort(Response response) {
        try {
            if (state != State.IDLE && answerLock.tryLock(100, TimeUnit.MILLISECONDS)) {
                answerLock.unlock();
                answer(response, true);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    /** True when a response write has been blocked past its deadline (a client that does not read). */
    boolean writeStalled(long now) {
        long d = writeDeadline;
        return d != 0 && now - d > 0;
    }

    /**
     * After answering a request whose body was not read (413, 408, 400): stop sending and read
     * what the client still sends for a moment before closing. Closing with unread bytes would
     * make TCP reset the connection, and the client could lose the answer it has not read yet.
     */
    private void discardUnread() {
        try {
            socket.shutdownOutput();
            socket.setSoTimeout(200);
            long deadline = System.nanoTime() + 1_000_000_000L;
            byte[] sink = new byte[65536];
            long total = 0;
            while (System.nanoTime() - deadline < 0 && total < (64L << 20)) {
                int n = socket.getInputStream().read(sink);
                if (n < 0) {
                    return;
                }
                total += n;
            }
        } catch (IOException e) {
            // The client closed or went quiet: done either way.
        }
    }

    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing anyway.
        }
    }

    private static boolean keepAlive(Request request) {
        String connection = request.header("connection");
        String value = connection == null ? "" : connection.toLowerCase(Locale.ROOT);
        if (value.contains("close")) {
            return false;
        }
        // HTTP/1.0 closes unless asked otherwise.
        return !request.version().equals("HTTP/1.0") || value.contains("keep-alive");
    }

    static byte[] head(Response r, boolean close) {
        StringBuilder h = new StringBuilder(160);
        h.append("HTTP/1.1 ").append(r.status()).append(' ').append(reason(r.status())).append("\r\n");
        h.append("Content-Type: ").append(r.contentType()).append("\r\n");
        h.append("Content-Length: ").append(r.body().length).append("\r\n");
        for (Map.Entry<String, String> e : r.headers().entrySet()) {
            h.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n");
        }
        if (close) {
            h.append("Connection: close\r\n");
        }
        return h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 417 -> "Expectation Failed";
            case 422 -> "Unprocessable Content";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> "Status";
        };
    }
}
