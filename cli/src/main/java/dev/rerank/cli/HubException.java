package dev.rerank.cli;

/** The hub could not give us a model; the message says why and what to do. */
class HubException extends RuntimeException {
    HubException(String message) {
        super(message);
    }

    HubException(String message, Throwable cause) {
        super(message, cause);
    }
}
