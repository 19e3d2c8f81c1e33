package dev.rerank.model;

/** A model directory, config or weight set that cannot be used; the message says which part and why. */
public final class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
