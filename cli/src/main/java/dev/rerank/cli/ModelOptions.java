package dev.rerank.cli;

import dev.rerank.CrossEncoder;
import dev.rerank.SentenceEncoder;
import dev.rerank.embedding.SentenceTransformersDir;
import dev.rerank.kernels.Parallel;
import dev.rerank.model.ModelConfig;
import dev.rerank.weights.DType;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The options every model command shares, and loading the model they describe. */
final class ModelOptions {
    static final Set<String> VALUED = Set.of("model", "revision", "max-length", "batch-size", "threads", "dtype");
    static final String HELP = """
              --model M        local directory or hub id (default %s)
              --revision R     hub revision (default main)
              --max-length N   truncate pairs to N tokens, longest text first (default: the model's)
              --batch-size N   pairs per forward pass (default 32)
              --threads N      worker threads (default and most: the available cores; at most %d accepted)
              --dtype D        keep weights as f32, or bf16: rounded at load, half the memory, scores
                               move slightly (see README); default: as stored (16-bit stays 16-bit)
            """.formatted(ModelResolver.DEFAULT_MODEL, Parallel.MAX_THREADS);

    private ModelOptions() {}

    static Set<String> with(String... more) {
        Set<String> s = new HashSet<>(VALUED);
        s.addAll(List.of(more));
        return s;
    }

    static Path resolve(Args args, Console console) {
        noteThreads(args, console);
        return new ModelResolver(console.hub(), console.err())
                .resolve(args.get("model", ModelResolver.DEFAULT_MODEL), args.get("revision", "main"));
    }

    static CrossEncoder load(Args args, Console console) {
        checkNumbers(args);
        return load(args, resolve(args, console));
    }

    /** Checks the numeric options and --dtype before anything slow (a download) happens. */
    static void checkNumbers(Args args) {
        threads(args);
        args.integer("batch-size", 32, 1);
        args.integer("max-length", -1, 2);
        weightsDtype(args);
    }

    /** --dtype: null (as stored), F32 or BF16. */
    static DType weightsDtype(Args args) {
        if (!args.has("dtype")) {
            return null;
        }
        return switch (args.get("dtype", "").toLowerCase(Locale.ROOT)) {
            case "f32", "float32" -> DType.F32;
            case "bf16", "bfloat16" -> DType.BF16;
            default -> throw new UsageException("--dtype must be f32 or bf16, got '" + args.get("dtype", "") + "'");
        };
    }

    static CrossEncoder load(Args args, Path dir) {
        int threads = threads(args);
        int batchSize = args.integer("batch-size", 32, 1);
        int maxLength = args.integer("max-length", -1, 4);
        CrossEncoder.Builder b = CrossEncoder.builder(dir).threads(threads).batchSize(batchSize);
        DType dtype = weightsDtype(args);
        if (dtype != null) {
            b.weightsDtype(dtype);
        }
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
        DType dtype = weightsDtype(args);
        if (dtype != null) {
            b.weightsDtype(dtype);
        }
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

    /** The library lowers a --threads above the cores to them (more only take turns); say so, once, before loading. */
    static void noteThreads(Args args, Console console) {
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = threads(args);
        if (threads > cores) {
            console.err().println("rerank: --threads " + threads + " is more than the " + cores
                    + " available processors; running " + cores + " (more threads only take turns on the cores)");
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
