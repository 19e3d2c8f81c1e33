package dev.rerank.convert;

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
 * Feeds one parser many inputs and checks the invariant of issue 17 on each: the parser returns,
 * or throws one of its named exception types with a short message — within {@link #TIME_LIMIT}
 * and {@link #memoryLimit} — and never anything else (another exception, an Error, a hang, an
 * out-of-memory). Every input that breaks it is saved under {@code target/fuzz-failures/PARSER/}
 * with what happened, ready to be added to {@code testdata/fuzz-corpus/PARSER/}, which is
 * replayed on every run.
 */
final class Fuzz {
    /** Far above any honest parse of these small inputs (milliseconds), so only a hang reaches it. */
    static final Duration TIME_LIMIT = Duration.ofSeconds(10);
    /** Longest error message accepted: messages quote the file, never dump its structures. */
    static final int MAX_MESSAGE = 1000;

    interface Target {
        void parse(Path file) throws Exception;
    }

    /** Totals of a run: inputs tried, parsed, refused with a named error, and everything else. */
    record Report(String parser, int tried, int accepted, int named, List<String> other, long slowestNanos, long mostAllocated) {
        String line() {
            return String.format("fuzz %-18s %,9d inputs: %,9d parsed, %,9d named errors, %d other; slowest %,d ms, "
                    + "most allocated %,d KiB", parser, tried, accepted, named, other.size(), slowestNanos / 1_000_000,
                    mostAllocated / 1024);
        }
    }

    private final String parser;
    private final Path file;
    private final Target target;
    private final List<Class<? extends Exception>> named;
    private int tried;
    private int accepted;
    private int namedErrors;
    private final List<String> other = new ArrayList<>();
    private long slowest;
    private long mostAllocated;

    /**
     * @param file where each input is written before {@code target} reads it (its name matters to
     *             some parsers)
     */
    @SafeVarargs
    Fuzz(String parser, Path file, Target target, Class<? extends Exception>... named) {
        this.parser = parser;
        this.file = file;
        this.target = target;
        this.named = List.of(named);
    }

    /** Memory a parse may allocate in all, garbage included: generous, but far below an out-of-memory. */
    static long memoryLimit(long inputBytes) {
        return 64 * inputBytes + (192L << 20);
    }

    /** Runs {@code count} inputs, each a mutation (by {@code mutate}) of a seed picked at random. */
    Report run(List<byte[]> seeds, int count, long seed, BiFunction<Mutator, byte[][], byte[]> mutate) {
        Random random = new Random(seed);
        Mutator mutator = new Mutator(random);
        for (int i = 0; i < count; i++) {
            byte[] a = seeds.get(random.nextInt(seeds.size()));
            byte[] b = seeds.get(random.nextInt(seeds.size()));
            check(mutate.apply(mutator, new byte[][] {a, b}));
        }
        return report();
    }

    /** Every file of {@code dir} (the saved corpus), unmutated. */
    Report replay(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                for (Path p : files.sorted().toList()) {
                    check(Files.readAllBytes(p));
                }
            }
        }
        return report();
    }

    private Report report() {
        return new Report(parser, tried, accepted, namedErrors, List.copyOf(other), slowest, mostAllocated);
    }

    private void check(byte[] input) {
        try {
            Files.write(file, input);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tried++;
        Bounded.Outcome o = Bounded.run(TIME_LIMIT, () -> target.parse(file));
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
}
