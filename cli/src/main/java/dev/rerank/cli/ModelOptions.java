package dev.rerank.cli;

import dev.rerank.CrossEncoder;
import dev.rerank.SentenceEncoder;
import dev.rerank.embedding.SentenceTransformersDir;
import dev.rerank.kernels.Parallel;
import dev.rerank.model.ModelConfig;
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
              --threads N      worker threads (default: all cores; at most %d)
            """.formatted(ModelResolver.DEFAULT_MODEL, Parallel.MAX_THREADS);

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
        checkNumbers(args);
        return load(args, resolve(args, console));
    }

    /** Checks the numeric options before anything slow (a download) happens. */
    static void checkNumbers(Args args) {
        threads(args);
        args.integer("batch-size", 32, 1);
        args.integer("max-length", -1, 2);
    }

    static CrossEncoder load(Args args, Path dir) {
        int threads = threads(args);
        int batchSize = args.integer("batch-size", 32, 1);
        int maxLength = args.integer("max-length", -1, 4);
        CrossEncoder.Builder b = CrossEncoder.builder(dir).threads(threads).batchSize(batchSize);
        if (maxLength > 0) {
            checkMaxLength(maxLength, dir);
            b.maxLength(maxLength);
        }
        return b.build();
    }

    static SentenceEncoder loadSentenceEncoder(Args args, Console console) {
        checkNumbers(args);
        return loadSentenceEncoder(args, resolve(args, console));
    }

    static SentenceEncoder loadSentenceEncoder(Args args, Path dir) {
        return sentenceEncoderBuilder(args, dir).build();
    }

    static SentenceEncoder.Builder sentenceEncoderBuilder(Args args, Path dir) {
        int threads = threads(args);
        int batchSize = args.integer("batch-size", 32, 1);
        int maxLength = args.integer("max-length", -1, 2);
        SentenceEncoder.Builder b = SentenceEncoder.builder(dir).threads(threads).batchSize(batchSize);
        if (maxLength > 0) {
            checkMaxLength(maxLength, SentenceTransformersDir.read(dir).transformer());
            b.maxLength(maxLength);
        }
        if (args.has("no-normalize")) {
            b.normalize(false);
        }
        return b;
    }

    /** Too long is as much a usage error (exit 2) as too short: say so before loading the weights. */
    private static void checkMaxLength(int maxLength, Path modelDir) {
        int limit = ModelConfig.load(modelDir.resolve("config.json")).maxSequenceLength();
        if (maxLength > limit) {
            throw new UsageException("--max-length must be at most " + limit + " for this model, got " + maxLength);
        }
    }

    /** --threads, default all cores, at most Parallel.MAX_THREADS. */
    static int threads(Args args) {
        return args.integer("threads", Math.min(Runtime.getRuntime().availableProcessors(), Parallel.MAX_THREADS),
                1, Parallel.MAX_THREADS);
    }

    static void help(String[] argv, String usage) {
        for (String a : argv) {
            if (a.equals("--help") || a.equals("-h")) {
                throw new Main.HelpRequested(usage);
            }
        }
    }
}
