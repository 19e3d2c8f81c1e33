package dev.rerank.serve.http;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * A small HTTP/1.1 server on blocking sockets and virtual threads, one per connection.
 *
 * <p>Why not the JDK's {@code com.sun.net.httpserver}: it has no per-request read deadline (a
 * client that announces a long body and stops sending holds its handler forever, and closing the
 * exchange drains the unread body, blocking again), its connection and time limits are JVM-wide
 * system properties read once, and on stop it closes connections with no answer at all. Here
 * every phase has a clock ({@link HttpLimits}), requests in progress and open connections are
 * capped (a silent or idle connection holds no request slot, and is the first closed when the
 * connections run out), and {@link #stop} gives requests in flight a grace period, then answers
 * each remaining one with a 503.
 */
public final class Http1Server implements AutoCloseable {
    private final ServerSocket listener;
    private final HttpLimits limits;
    private final Handler handler;
    private final Semaphore slots;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private final Thread watchdog;
    private volatile boolean stopping;

    public Http1Server(String host, int port, HttpLimits limits, Handler handler) throws IOException {
        this.limits = limits;
        this.handler = handler;
        this.slots = new Semaphore(limits.maxConnections());
        this.listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(InetAddress.getByName(host), port), 128);
        this.acceptor = Thread.ofPlatform().name("rerank-http-accept").daemon(true).start(this::acceptLoop);
        this.watchdog = Thread.ofPlatform().name("rerank-http-watchdog").daemon(true).start(this::watch);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Open connections (for tests and metrics). */
    public int connections() {
        return connections.size();
    }

    private void acceptLoop() {
        while (!stopping) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (stopping) {
                    return;
                }
                continue; // e.g. out of file descriptors for a moment: keep serving the others
            }
            if (connections.size() >= limits.maxOpenConnections() && !closeLongestIdle()) {
                Thread.startVirtualThread(() -> refuse(socket));
                continue;
            }
            Connection c = new Connection(socket, limits, handler);
            connections.add(c);
            Thread.startVirtualThread(() -> {
                try {
                    c.serve(() -> stopping, slots);
                } finally {
                    connections.remove(c);
                }
            });
        }
    }

    /**
     * Makes room for a new connection by closing the one idle longest — a kept-alive connection
     * between requests, or one that has sent nothing yet — so silent sockets cannot lock out
     * clients that have something to ask. False when every open connection is busy.
     */
    private boolean closeLongestIdle() {
        Connection oldest = null;
        for (Connection c : connections) {
            if (c.state() == Connection.State.IDLE && (oldest == null || c.idleSince() - oldest.idleSince() < 0)) {
                oldest = c;
            }
        }
        if (oldest == null) {
            return false;
        }
        oldest.close();
        connections.remove(oldest);
        return true;
    }

    /** Over the connection limit: a 503 that fits in the socket buffer, then hang up without reading. */
    private static void refuse(Socket socket) {
        try (socket) {
            Response r = Response.error(503, "too many connections; try again shortly").withHeader("Retry-After", "1");
            OutputStream out = socket.getOutputStream();
            out.write(Connection.head(r, true));
            out.write(r.body());
            out.flush();
        } catch (IOException e) {
            // The client is gone already.
        }
    }

    /** Closes connections whose response write has stalled past its deadline (clients that do not read). */
    private void watch() {
        while (!stopping) {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Connection c : connections) {
                if (c.writeStalled(now)) {
                    c.close();
                }
            }
        }
    }

    /**
     * Stops accepting, closes idle connections, lets requests in progress finish for up to
     * {@code grace}, then answers those still running with 503 and closes them. Returns when
     * every connection is closed (at most about grace + 0.2 s).
     */
    public void stop(Duration grace) {
        stopping = true;
        try {
            listener.close();
        } catch (IOException e) {
            // Closing anyway.
        }
        watchdog.interrupt();
        long deadline = System.nanoTime() + grace.toNanos();
        while (!connections.isEmpty() && System.nanoTime() - deadline < 0) {
            for (Connection c : connections) {
                if (c.state() == Connection.State.IDLE) {
                    c.close();
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Response late = Response.error(503, "the server is shutting down; the request did not finish within the grace period");
        for (Connection c : connections) {
            c.abort(late);
        }
        try {
            acceptor.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }
}
