package dev.rerank.serve;

import dev.rerank.serve.http.HttpError;
import dev.rerank.tokenizer.Encoding;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Tokenizes requests on a pool of platform threads, one per core, and holds each request to its
 * limits while it does.
 *
 * <p>Why not on the connection's own virtual thread: a virtual thread is never preempted, so a few
 * requests tokenizing large inputs held every carrier thread, and {@code GET /health} — a virtual
 * thread too — waited behind them for over a minute. Here the connection threads only read,
 * parse and write, the operating system shares the cores between the pool and them, and a
 * request waiting for a tokenizer (or the batcher) holds no carrier at all.
 */
final class RequestTokenizer implements AutoCloseable {
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final Limits limits;
    private final ExecutorService pool;

    RequestTokenizer(Limits limits) {
        this.limits = limits;
        this.pool = Executors.newFixedThreadPool(workers(), r -> Thread.ofPlatform().daemon(true)
                .name("rerank-tokenize-" + NAMES.incrementAndGet()).unstarted(r));
    }

    /** Tokenizer threads: one per core (TEI's tokenization_workers). */
    static int workers() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** {@code work} run on a tokenizer thread; its exceptions come back as they were thrown. */
    <T> T run(Callable<T> work) throws Exception {
        try {
            return pool.submit(work).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /**
     * Encodes inputs 0..n-1 with {@code encode}: an input that cannot be tokenized is a 422 naming
     * it, one longer than {@code maxLength} a 413 naming it, and a request whose inputs add up to
     * more than {@link Limits#maxRequestTokens} tokens a 413 naming that limit — checked as it
     * goes, so an oversized request costs no more than the limit's worth of tokenizing.
     */
    List<Encoding> encodeAll(int n, int maxLength, IntFunction<Encoding> encode) {
        List<Encoding> encodings = new ArrayList<>(n);
        long tokens = 0;
        for (int i = 0; i < n; i++) {
            Encoding e;
            try {
                e = encode.apply(i);
            } catch (RuntimeException ex) {
                throw new HttpError(422, "input " + i + " cannot be tokenized: " + ex.getMessage());
            }
            if (e.length() > maxLength) {
                throw new HttpError(413, "input " + i + " has " + e.length() + " tokens, which exceeds the maximum of " + maxLength
                        + "; set \"truncate\": true to cut it");
            }
            tokens += e.length();
            if (tokens > limits.maxRequestTokens()) {
                throw new HttpError(413, "the request holds more than " + limits.maxRequestTokens() + " tokens after truncation"
                        + " (the limit per request, --max-request-tokens); send fewer or shorter texts");
            }
            encodings.add(e);
        }
        return encodings;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
