package dev.rerank.serve.http;

/** Turns a request into a response. It must not throw: errors are responses too. */
@FunctionalInterface
public interface Handler {
    Response handle(Request request);
}
