package dev.rerank.serve.http;

import java.time.Duration;

/**
 * What one client may cost the server. Every phase of a connection has a clock, so a client that
 * sends slowly (or not at all) is answered 408 and dropped instead of holding a thread and a file
 * descriptor forever, and the number of open connections is capped.
 *
 * @param maxBodyBytes   request bodies larger than this are refused with 413 before they are read
 * @param headerTimeout  time from a request's first byte to the end of its headers (then 408); for
 *                       a new connection, from its opening (a silent one is then closed)
 * @param bodyTimeout    time to receive the body once the headers are in (then 408), and to write a response
 * @param idleTimeout    how long a kept-alive connection may wait for its next request
 * @param maxConnections requests being read or served at once; more are answered 503. Silent and
 *                       idle connections hold none; up to {@link #maxOpenConnections()} stay open
 */
public record HttpLimits(int maxBodyBytes, Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout, int maxConnections) {
    public HttpLimits {
        if (maxBodyBytes < 1 || maxConnections < 1) {
            throw new IllegalArgumentException("body and connection limits must be positive");
        }
        for (Duration d : new Duration[] {headerTimeout, bodyTimeout, idleTimeout}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive, got " + d);
            }
        }
    }

    /** 2 MB bodies (TEI's default payload limit), 5 s for headers, 30 s for a body, 60 s idle, 256 requests at once. */
    public static HttpLimits defaults() {
        return new HttpLimits(2_000_000, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60), 256);
    }

    /**
     * Open connections at once, four per request slot: room for kept-alive clients between their
     * requests. When they are all open, the one idle longest is closed for a new one.
     */
    public int maxOpenConnections() {
        return (int) Math.min(Integer.MAX_VALUE, 4L * maxConnections);
    }

    public HttpLimits withMaxBodyBytes(int bytes) {
        return new HttpLimits(bytes, headerTimeout, bodyTimeout, idleTimeout, maxConnections);
    }

    public HttpLimits withTimeouts(Duration header, Duration body, Duration idle) {
        return new HttpLimits(maxBodyBytes, header, body, idle, maxConnections);
    }

    public HttpLimits withMaxConnections(int connections) {
        return new HttpLimits(maxBodyBytes, headerTimeout, bodyTimeout, idleTimeout, connections);
    }
}
