package dev.rerank.spark;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The scoring job: JSON Lines {@code {"a", "b"}} in, JSON Lines part files ({@code part-*}) out,
 * each line the pair with its {@code score} (or {@code probabilities} and {@code label}), its
 * {@code logits} with {@code --raw}, and an {@code error} for a line that could not be scored.
 * Run by {@code spark/run-local.sh}, or submitted as it is with {@code spark-submit}.
 */
public final class ScoreJob {
    static final String USAGE = """
            usage: spark/run-local.sh --model M --input FILE --output DIR [options]
                   spark-submit --class dev.rerank.spark.ScoreJob rerank-spark.jar --model M ...

            Scores JSON Lines {"a": "...", "b": "..."} on Spark and writes JSON Lines part files to DIR
            (which must not exist), in input order: a, b and score for 1-label models, probabilities
            and label otherwise; error (and no score) on lines that could not be scored.

            options:
              --model M              model directory (on every node), name of a directory shipped
                                     with --files/--archives, or hub id
              --raw                  also write "logits": [...]
              --master URL           Spark master (default: spark-submit's, else local[*])
              --partitions N         input partitions (default: twice the default parallelism)
              --threads-per-task N   threads per task (default: spark.task.cpus; at most the executor's cores)
              --batch-size N         pairs per forward pass (default 32)
              --max-length N         truncate pairs to N tokens (default: the model's limit)
            """;
    private static final Set<String> VALUED = Set.of("model", "input", "output", "master", "partitions",
            "threads-per-task", "batch-size", "max-length");

    private ScoreJob() {}

    public static void main(String[] args) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.print(USAGE);
            return;
        }
        Map<String, String> options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage() + "\n\n" + USAGE);
            System.exit(2);
            return;
        }
        SparkSession.Builder builder = SparkSession.builder().appName("rerank score");
        if (options.containsKey("master")) {
            builder.master(options.get("master"));
        } else if (!System.getProperties().containsKey("spark.master")) {
            builder.master("local[*]");
        }
        SparkSession spark = builder.getOrCreate();
        int code;
        try {
            code = run(spark, options, System.err);
        } finally {
            spark.stop();
        }
        System.exit(code);
    }

    /** Runs the job on {@code spark}; returns the exit code (0, or 1 after an error: line on {@code err}). */
    static int run(SparkSession spark, Map<String, String> options, PrintStream err) {
        try {
            SparkCrossEncoder.Builder model = SparkCrossEncoder.builder(options.get("model"));
            if (options.containsKey("threads-per-task")) {
                int threads = number(options, "threads-per-task");
                if (threads > Runtime.getRuntime().availableProcessors()) {
                    err.println("note: --threads-per-task " + threads + " is lowered to each executor's available processors"
                            + " (here " + Runtime.getRuntime().availableProcessors() + "): more threads only take turns on the cores");
                }
                model.threadsPerTask(threads);
            }
            if (options.containsKey("batch-size")) {
                model.batchSize(number(options, "batch-size"));
            }
            if (options.containsKey("max-length")) {
                model.maxLength(number(options, "max-length"));
            }
            SparkCrossEncoder encoder = model.build();
            int partitions = options.containsKey("partitions") ? number(options, "partitions")
                    : 2 * spark.sparkContext().defaultParallelism();
            Dataset<Row> pairs = InputSplits.readText(spark, options.get("input"), partitions)
                    .flatMap(new JsonPairs(), Encoders.row(JsonPairs.SCHEMA));
            boolean raw = options.containsKey("raw");
            Dataset<Row> scored = encoder.score(pairs, "a", "b", raw)
                    .withColumn("error", coalesce(col("input_error"), col("error")));
            List<Column> out = new ArrayList<>(List.of(col("a"), col("b")));
            for (String c : encoder.labels().size() == 1 ? List.of("score") : List.of("probabilities", "label")) {
                out.add(col(c));
            }
            if (raw) {
                out.add(col("logits"));
            }
            out.add(col("error"));
            scored.select(out.toArray(Column[]::new)).write().json(options.get("output"));
            // The CLI's and the server's rule: such results are null with an error, and the run fails.
            long notFinite = spark.read().schema("error STRING").json(options.get("output"))
                    .filter(col("error").equalTo(NotFinite.ERROR)).count();
            if (notFinite > 0) {
                err.println("error: " + notFinite + (notFinite == 1 ? " result is" : " results are")
                        + " not a finite number (written as null with an \"error\"): the model computes NaN or infinity; check its weights");
                return 1;
            }
            return 0;
        } catch (Exception e) {
            // The engine's errors name the problem; so do Spark's (a missing input, an existing
            // output); a failed task's own stack trace is in Spark's log above.
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    /** The options, checked: every name known, every value present, the three required ones given. */
    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (name != null && name.equals("raw")) {
                options.put(name, "true");
            } else if (name != null && VALUED.contains(name)) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                options.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException(name != null ? "unknown option " + args[i] : "unexpected argument '" + args[i] + "'");
            }
        }
        for (String required : List.of("model", "input", "output")) {
            if (!options.containsKey(required)) {
                throw new IllegalArgumentException("--" + required + " is required");
            }
        }
        for (String n : List.of("partitions", "threads-per-task", "batch-size", "max-length")) {
            if (options.containsKey(n)) {
                number(options, n);
            }
        }
        return options;
    }

    private static int number(Map<String, String> options, String name) {
        String v = options.get(name);
        try {
            int n = Integer.parseInt(v);
            if (n < 1) {
                throw new IllegalArgumentException("--" + name + " must be at least 1, got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " needs a whole number, got '" + v + "'");
        }
    }
}
