package dev.rerank.convert;

/** A checkpoint that cannot be converted — corrupt, truncated, unsupported or unsafe; the message says which. */
public final class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
