package dev.rerank.weights;

/** A weight file or tensor that cannot be used; the message names the file or tensor and why. */
public final class WeightsException extends RuntimeException {
    public WeightsException(String message) {
        super(message);
    }

    public WeightsException(String message, Throwable cause) {
        super(message, cause);
    }
}
