package dev.rerank.cli;

/** A command line that cannot be understood: exit code 2, with the command's usage. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
