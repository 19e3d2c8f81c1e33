package dev.rerank.cli;

/** Input data (a JSON Lines file, a CSV) that cannot be used; the message names the line. */
final class InputException extends RuntimeException {
    InputException(String message) {
        super(message);
    }
}
