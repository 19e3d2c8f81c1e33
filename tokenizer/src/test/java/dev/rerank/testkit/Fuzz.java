package dev.rerank.testkit;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;

/**
 * Feeds one parser many inputs and checks the invariant of issue 17 on each: the parser returns
 * (and its own check of the result passes), or throws one of its named exception types with a
 * short message — within {@link #TIME_LIMIT} and {@link #memoryLimit} — and never anything else
 * (another exception, an Error, a hang, an out-of-memory). Every input that breaks it is saved
 * under {@code target/fuzz-failures/PARSER/} with what happened, ready to be added to
 * {@code testdata/fuzz-corpus/PARSER/}, which each module's fuzz test replays on every run.
 *
 * <p>Shared by the modules' fuzz tests through this module's test-jar: the parsers live in
 * several modules, the harness once.
 */
public final class Fuzz {
    /** Far above any honest parse of these small inputs (milliseconds), so only a hang reaches it. */
    public static final Duration TIME_LIMIT = Duration.ofSeconds(10);
    /** Longest error message accepted: messages quote the input, never dump its structures. */
    public static final int MAX_MESSAGE = 1000;
    /** The long run's size per parser: {@code -Drerank.fuzz.inputs=1000000}. */
    public static final int INPUTS = Integer.getInteger("rerank.fuzz.inputs", 1000);
    /** A run stops early after this many seconds ({@code -Drerank.fuzz.seconds=N}; 0: never), saying how many it tried. */
    public static final long SECONDS = Long.getLong("rerank.fuzz.seconds", 0);
    /** Seed of the mutations: {@code -Drerank.fuzz.seed=N} for other inputs. */
    public static final long SEED = Long.getLong("rerank.fuzz.seed", 17);

    /** The parser under test, on one input; it may also check what it parsed (throw AssertionError if wrong). */
    public interface Target {
        void parse(byte[] input) throws Exception;
    }

    /** A parser that reads a file. */
    public interface FileTarget {
        void parse(Path file) throws Exception;
    }

    /** Totals of a run: inputs tried, parsed, refused with a named error, and everything else. */
    public record Report(String parser, int tried, int accepted, int named, List<String> other, long slowestNanos,
                         long mostAllocated, long wallNanos) {
        public String line() {
            return String.format("fuzz %-18s %,9d inputs: %,9d parsed, %,9d named errors, %d other; slowest %,d ms, "
                    + "most allocated %,d KiB; %,.0f s, %,.0f inputs/s", parser, tried, accepted, named, other.size(),
                    slowestNanos / 1_000_000, mostAllocated / 1024, wallNanos / 1e9, tried / Math.max(1e-9, wallNanos / 1e9));
        }
    }

    private final String parser;
    private final Target target;
    private final List<Class<? extends Exception>> named;
    private int tried;
    private int accepted;
    private int namedErrors;
    private final List<String> other = new ArrayList<>();
    private long slowest;
    private long mostAllocated;
    private long wall;

    @SafeVarargs
    public Fuzz(String parser, Target target, Class<? extends Exception>... named) {
        this.parser = parser;
        this.target = target;
        this.named = List.of(named);
    }

    /** A target for a parser of files: each input is written to {@code file} (its name may matter) first. */
    public static Target viaFile(Path file, FileTarget target) {
        return input -> {
            Files.write(file, input);
            target.parse(file);
        };
    }

    /** Memory a parse may allocate in all, garbage included: generous, but far below an out-of-memory. */
    public static long memoryLimit(long inputBytes) {
        return 64 * inputBytes + (192L << 20);
    }

    /** Runs {@code count} inputs, each a mutation (by {@code mutate}) of two seeds picked at random (the second a splice partner). */
    public Report run(List<byte[]> seeds, int count, long seed, BiFunction<Mutator, byte[][], byte[]> mutate) {
        Random random = new Random(seed);
        Mutator mutator = new Mutator(random);
        long start = System.nanoTime();
        long stop = SECONDS > 0 ? start + SECONDS * 1_000_000_000L : Long.MAX_VALUE;
        for (int i = 0; i < count && System.nanoTime() - stop < 0; i++) {
            byte[] a = seeds.get(random.nextInt(seeds.size()));
            byte[] b = seeds.get(random.nextInt(seeds.size()));
            check(mutate.apply(mutator, new byte[][] {a, b}));
        }
        wall += System.nanoTime() - start;
        return report();
    }

    /** Every file of {@code dir} (the saved corpus), unmutated. */
    public Report replay(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                for (Path p : files.filter(p -> p.toString().endsWith(".bin")).sorted().toList()) {
                    check(Files.readAllBytes(p));
                }
            }
        }
        return report();
    }

    private Report report() {
        return new Report(parser, tried, accepted, namedErrors, List.copyOf(other), slowest, mostAllocated, wall);
    }

    private void check(byte[] input) {
        tried++;
        Bounded.Outcome o = Bounded.run(TIME_LIMIT, () -> target.parse(input));
        slowest = Math.max(slowest, o.nanos());
        mostAllocated = Math.max(mostAllocated, o.allocated());
        String problem = null;
        if (o.timedOut()) {
            problem = "no answer within " + TIME_LIMIT.toSeconds() + " s";
        } else if (o.allocated() > memoryLimit(input.length)) {
            problem = "allocated " + o.allocated() + " bytes for a " + input.length + "-byte input";
        } else if (o.thrown() == null) {
            accepted++;
        } else if (named.stream().anyMatch(t -> t.isInstance(o.thrown())) && o.thrown().getMessage() != null
                && o.thrown().getMessage().length() <= MAX_MESSAGE) {
            namedErrors++;
        } else {
            StringWriter trace = new StringWriter();
            o.thrown().printStackTrace(new PrintWriter(trace));
            problem = trace.toString();
        }
        if (problem != null) {
            other.add(save(input, problem));
        }
    }

    /** Keeps a failing input for replay and debugging; returns a one-line summary naming the file. */
    private String save(byte[] input, String problem) {
        try {
            String name = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(input), 0, 8);
            Path dir = Files.createDirectories(Path.of("target", "fuzz-failures", parser));
            Files.write(dir.resolve(name + ".bin"), input);
            Files.writeString(dir.resolve(name + ".txt"), problem);
            return dir.resolve(name + ".bin") + ": " + problem.lines().findFirst().orElse("");
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Prints each report's totals and fails when any input broke the invariant, naming the first few. */
    public static void assertClean(Report... reports) {
        for (Report r : reports) {
            System.out.println(r.line());
            if (!r.other().isEmpty()) {
                throw new AssertionError(r.parser() + ": " + r.other().size() + " inputs broke the invariant:\n"
                        + String.join("\n", r.other().subList(0, Math.min(5, r.other().size()))));
            }
        }
    }
}
