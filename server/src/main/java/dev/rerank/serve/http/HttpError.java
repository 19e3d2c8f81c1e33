package dev.rerank.serve.http;

/**
 * A request the client got wrong (or a limit it crossed): the status and a message for the JSON
 * error body. The message names the problem in the client's terms, never Java internals.
 */
public final class HttpError extends RuntimeException {
    private final int status;

    public HttpError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
