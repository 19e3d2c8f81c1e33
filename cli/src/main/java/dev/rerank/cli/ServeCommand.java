package dev.rerank.cli;

import dev.rerank.CrossEncoder;
import dev.rerank.SentenceEncoder;
import dev.rerank.embedding.SentenceTransformersDir;
import dev.rerank.serve.Limits;
import dev.rerank.serve.RerankServer;
import dev.rerank.serve.Settings;
import dev.rerank.serve.http.HttpLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** rerank serve: the HTTP rerank service, until SIGTERM or Ctrl-C. */
final class ServeCommand {
    static final String USAGE = """
            usage: rerank serve [options]

            Serves the model over HTTP. A cross-encoder:
              POST /rerank       text-embeddings-inference: {"query", "texts", "truncate", "truncation_direction",
                                 "raw_scores", "return_text"}
              POST /v1/rerank    Cohere / Infinity: {"query", "documents", "top_n", "return_documents", "raw_scores"}
              POST /predict      {"pairs": [[a, b], ...], "raw": false}
            An embedding model (a sentence-transformers directory):
              POST /embed          text-embeddings-inference: {"inputs": str | [str], "normalize": true,
                                   "truncate": false, "truncation_direction"} -> [[...], ...]
              POST /v1/embeddings  OpenAI: {"input": str | [str], "model", "encoding_format": "float" | "base64"}
            The other kind's endpoints answer 400 saying which kind of model this is. Both kinds:
              GET  /health, /info (TEI's fields), /metrics (Prometheus)
            Requests from concurrent clients are scored together in batches of at most
            --max-batch-tokens tokens, taken fairly from every waiting request. Scores that are not
            finite numbers are written as null with an "error" field. On SIGTERM the server stops
            accepting, lets requests in flight finish for up to --grace seconds, answers the rest
            503, and exits 0.

            options (TEI's names where the meaning is the same):
              --host H                    address to bind (default 127.0.0.1)
              --port P                    port (default 8080; 0 picks a free one)
              --model-id M                the same as --model
              --grace S                   seconds to finish in-flight requests on shutdown (default 10)
              --max-client-batch-size N   texts per request (default 1000; --max-texts is the old name)
              --max-batch-tokens N        tokens per forward pass across requests (default 4096)
              --max-queued-pairs N        pairs waiting before new requests get 503 (default 10000)
              --max-request-tokens N      tokens one request may hold after truncation (default 262144; then 413)
              --payload-limit BYTES       largest request body (default 2000000)
              --auto-truncate true|false  truncate over-long /rerank texts when a request does not say
                                          "truncate" (default true; --auto-truncate alone means true)
              --api-key KEY               require "Authorization: Bearer KEY" (all but /health; default off;
                                          the RERANK_API_KEY environment variable keeps it out of ps)
              --max-connections N         requests read or served at once (default 256; more get 503); idle
                                          connections hold none, and the longest idle is closed past 4 x N
              --header-timeout S          seconds for a request's headers to arrive, from the connection's
                                          opening for its first (default 5; then 408, or closed if silent)
              --body-timeout S            seconds for a request's body to arrive (default 30; then 408)
              --idle-timeout S            seconds a kept-alive connection may sit idle (default 60)
            """ + ModelOptions.HELP;

    private static final Set<String> VALUED = ModelOptions.with("host", "port", "grace", "max-texts", "model-id",
            "max-client-batch-size", "max-batch-tokens", "max-queued-pairs", "max-request-tokens", "payload-limit", "api-key", "max-connections",
            "header-timeout", "body-timeout", "idle-timeout", "auto-truncate");

    private final Console console;

    ServeCommand(Console console) {
        this.console = console;
    }

    void run(String[] argv) {
        ModelOptions.help(argv, USAGE);
        Args args = new Args(aliases(argv), 1, VALUED, Set.of());
        if (!args.positionals().isEmpty()) {
            throw new UsageException("unexpected argument '" + args.positionals().get(0) + "'");
        }
        Settings settings = settings(args);
        int grace = args.integer("grace", 10, 0);
        ModelOptions.checkNumbers(args);
        Path dir = ModelOptions.resolve(args, console);
        AutoCloseable model;
        RerankServer server;
        try {
            if (SentenceTransformersDir.isEmbeddingModel(dir)) {
                // Requests normalize as they ask (TEI) or as the model says (OpenAI): the model itself does not.
                boolean normalizes = SentenceTransformersDir.read(dir).pooling().normalize();
                SentenceEncoder embedder = ModelOptions.sentenceEncoderBuilder(args, dir).normalize(false).build();
                model = embedder;
                server = startOrClose(embedder, () -> new RerankServer(embedder, normalizes, settings));
            } else {
                CrossEncoder reranker = ModelOptions.load(args, dir);
                model = reranker;
                server = startOrClose(reranker, () -> new RerankServer(reranker, settings));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
        IdleMemory.enable();
        console.err().println("rerank: serving on http://" + settings.host() + ":" + server.port() + " (Ctrl-C or SIGTERM to stop)");
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable shutdown = () -> {
            // Close the model only when no forward pass is still running on it; else the exit ends it.
            if (server.stop(Duration.ofSeconds(grace))) {
                try {
                    model.close();
                } catch (Exception e) {
                    console.err().println("rerank: closing the model: " + e.getMessage());
                }
            }
            stopped.countDown();
        };
        // Handle SIGTERM ourselves so a graceful stop exits 0 (a plain JVM shutdown exits 143).
        for (String signal : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> Thread.ofPlatform().start(shutdown));
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdown.run();
        }
        console.err().println("rerank: stopped");
    }

    private interface Start {
        RerankServer start() throws IOException;
    }

    /** Starts the server; on failure closes the model it would have served. */
    private static RerankServer startOrClose(AutoCloseable model, Start start) throws IOException {
        try {
            return start.start();
        } catch (IOException | RuntimeException e) {
            try {
                model.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** TEI's spellings: --model-id is --model; --auto-truncate alone is --auto-truncate true. */
    private static String[] aliases(String[] argv) {
        String[] out = new String[argv.length];
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (a.equals("--model-id") || a.startsWith("--model-id=")) {
                a = "--model" + a.substring("--model-id".length());
            } else if (a.equals("--auto-truncate") && (i + 1 == argv.length || argv[i + 1].startsWith("--"))) {
                a = "--auto-truncate=true";
            }
            out[i] = a;
        }
        return out;
    }

    private Settings settings(Args args) {
        Limits defaults = Limits.defaults();
        int clientBatch = args.integer("max-client-batch-size", args.integer("max-texts", defaults.maxClientBatchSize(), 1), 1);
        Limits limits = new Limits(clientBatch, args.integer("max-queued-pairs", defaults.maxQueuedPairs(), 1),
                args.integer("max-batch-tokens", defaults.maxBatchTokens(), 1),
                args.integer("max-request-tokens", defaults.maxRequestTokens(), 1));
        HttpLimits http = HttpLimits.defaults();
        http = http.withMaxBodyBytes(args.integer("payload-limit", http.maxBodyBytes(), 1))
                .withMaxConnections(args.integer("max-connections", http.maxConnections(), 1))
                .withTimeouts(seconds(args, "header-timeout", http.headerTimeout()), seconds(args, "body-timeout", http.bodyTimeout()),
                        seconds(args, "idle-timeout", http.idleTimeout()));
        String apiKey = args.get("api-key", console.env().get("RERANK_API_KEY"));
        if (apiKey != null && apiKey.isBlank()) {
            throw new UsageException("--api-key must not be empty");
        }
        int port = args.integer("port", 8080, 0);
        if (port > 65535) {
            throw new UsageException("--port must be at most 65535, got " + port);
        }
        String model = args.get("model", ModelResolver.DEFAULT_MODEL);
        return new Settings(model, args.get("host", "127.0.0.1"), port, limits, http,
                bool(args, "auto-truncate", true), apiKey);
    }

    private static Duration seconds(Args args, String name, Duration fallback) {
        return args.has(name) ? Duration.ofSeconds(args.integer(name, 0, 1)) : fallback;
    }

    private static boolean bool(Args args, String name, boolean fallback) {
        String v = args.get(name, null);
        if (v == null) {
            return fallback;
        }
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new UsageException("--" + name + " takes true or false, got '" + v + "'");
        };
    }
}
