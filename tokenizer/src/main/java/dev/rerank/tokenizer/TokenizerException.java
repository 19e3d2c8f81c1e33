package dev.rerank.tokenizer;

/** A tokenizer file that cannot be used, or a request that cannot be met; the message says which. */
public final class TokenizerException extends RuntimeException {
    public TokenizerException(String message) {
        super(message);
    }

    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
