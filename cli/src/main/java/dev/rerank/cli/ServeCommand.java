package dev.rerank.cli;

import dev.rerank.CrossEncoder;
import dev.rerank.serve.RerankServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** rerank serve: the HTTP rerank service, until SIGTERM or Ctrl-C. */
final class ServeCommand {
    static final String USAGE = """
            usage: rerank serve [options]

            Serves the model over HTTP:
              POST /rerank       text-embeddings-inference: {"query", "texts", "truncate", "raw_scores", "return_text"}
              POST /v1/rerank    Cohere / Infinity: {"query", "documents", "top_n", "return_documents"}
              POST /predict      {"pairs": [[a, b], ...], "raw": false}
              GET  /health, /info, /metrics (Prometheus)
            Requests from concurrent clients are scored together in batches. On SIGTERM the server
            stops accepting, finishes what is in flight (up to --grace seconds) and exits 0.

            options:
              --host H         address to bind (default 127.0.0.1)
              --port P         port (default 8080; 0 picks a free one)
              --grace S        seconds to finish in-flight requests on shutdown (default 10)
              --max-texts N    texts per request (default 1000)
            """ + ModelOptions.HELP;

    private final Console console;

    ServeCommand(Console console) {
        this.console = console;
    }

    void run(String[] argv) {
        ModelOptions.help(argv, USAGE);
        Args args = new Args(argv, 1, ModelOptions.with("host", "port", "grace", "max-texts"), Set.of());
        if (!args.positionals().isEmpty()) {
            throw new UsageException("unexpected argument '" + args.positionals().get(0) + "'");
        }
        int port = args.integer("port", 8080, 0);
        int grace = args.integer("grace", 10, 0);
        RerankServer.Limits defaults = RerankServer.Limits.defaults();
        RerankServer.Limits limits = new RerankServer.Limits(defaults.maxBodyBytes(), args.integer("max-texts", defaults.maxTexts(), 1),
                defaults.maxQueuedPairs(), defaults.maxBatchPairs());
        String host = args.get("host", "127.0.0.1");
        CrossEncoder model = ModelOptions.load(args, console);
        RerankServer server;
        try {
            server = new RerankServer(model, args.get("model", ModelResolver.DEFAULT_MODEL), host, port, limits);
        } catch (IOException e) {
            model.close();
            throw new UncheckedIOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        console.err().println("rerank: serving on http://" + host + ":" + server.port() + " (Ctrl-C or SIGTERM to stop)");
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable shutdown = () -> {
            server.stop(grace);
            model.close();
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
}
