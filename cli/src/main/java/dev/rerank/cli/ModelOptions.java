package dev.rerank.cli;

import dev.rerank.CrossEncoder;
import dev.rerank.model.RobertaConfig;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The options every model command shares, and loading the model they describe. */
final class ModelOptions {
    static final Set<String> VALUED = Set.of("model", "revision", "max-length", "batch-size", "threads");
    static final String HELP = """
              --model M        local directory or hub id (default %s)
              --revision R     hub revision (default main)
              --max-length N   truncate pairs to N tokens, longest text first (default: the model's)
              --batch-size N   pairs per forward pass (default 32)
              --threads N      worker threads (default: all cores)
            """.formatted(ModelResolver.DEFAULT_MODEL);

    private ModelOptions() {}

    static Set<String> with(String... more) {
        Set<String> s = new HashSet<>(VALUED);
        s.addAll(List.of(more));
        return s;
    }

    static Path resolve(Args args, Console console) {
        return new ModelResolver(console.hub(), console.err())
                .resolve(args.get("model", ModelResolver.DEFAULT_MODEL), args.get("revision", "main"));
    }

    static CrossEncoder load(Args args, Console console) {
        // Check the numbers before anything slow (a download) happens.
        int threads = args.integer("threads", Runtime.getRuntime().availableProcessors(), 1);
        int batchSize = args.integer("batch-size", 32, 1);
        int maxLength = args.integer("max-length", -1, 4);
        Path dir = resolve(args, console);
        CrossEncoder.Builder b = CrossEncoder.builder(dir).threads(threads).batchSize(batchSize);
        if (maxLength > 0) {
            // Too long is as much a usage error (exit 2) as too short: say so before loading the weights.
            int limit = RobertaConfig.load(dir.resolve("config.json")).maxSequenceLength();
            if (maxLength > limit) {
                throw new UsageException("--max-length must be at most " + limit + " for this model, got " + maxLength);
            }
            b.maxLength(maxLength);
        }
        return b.build();
    }

    static void help(String[] argv, String usage) {
        for (String a : argv) {
            if (a.equals("--help") || a.equals("-h")) {
                throw new Main.HelpRequested(usage);
            }
        }
    }
}
