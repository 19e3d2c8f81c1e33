package dev.rerank.serve.http;

import java.util.Map;

/**
 * One HTTP request, read whole: the method, the path (without the query string), the protocol
 * version, the headers with lower-case names, and the body (already de-chunked).
 */
public record Request(String method, String path, String version, Map<String, String> headers, byte[] body) {
    /** A header's value, or null; {@code name} in lower case. */
    public String header(String name) {
        return headers.get(name);
    }
}
