package dev.rerank.benchmarks;

import dev.rerank.CrossEncoder;
import dev.rerank.CrossEncoder.Pair;
import dev.rerank.convert.Converter;
import dev.rerank.spark.SparkCrossEncoder;
import dev.rerank.weights.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What Spark costs on top of the engine: the 1,379 STS-B test pairs through the distilroberta-base
 * shaped model (synthetic weights, salt golden-768), scored by Spark on {@code local[N]} (one task
 * per core, one shared model) and by {@code CrossEncoder.predict} with N threads, alternately, in
 * one JVM, on one model directory. Prints each round, the medians, the overhead (goal: ≤ 10%),
 * pairs per second per core, and what that makes of a billion pairs. Stops if a Spark score
 * differs from the library's by a single bit.
 *
 * <p>Run with {@code benchmarks/spark-overhead.sh [--rounds R] [--partitions P] [--cores N] [--pairs N]}
 * ({@code --pairs}: only the first N, for a quick smoke run).
 */
public final class SparkOverhead {
    private SparkOverhead() {}

    public static void main(String[] args) throws IOException {
        int rounds = option(args, "--rounds", 3);
        int cores = option(args, "--cores", 2);
        int partitions = option(args, "--partitions", 2 * cores);
        Path dir = modelDirectory(Path.of("benchmarks/target/spark-model"));
        List<Pair> all = Stsb.pairs();
        List<Pair> pairs = all.subList(0, Math.min(all.size(), option(args, "--pairs", all.size())));
        SparkSession spark = SparkSession.builder().master("local[" + cores + "]").appName("rerank spark overhead")
                .config("spark.ui.enabled", "false").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        try (CrossEncoder library = CrossEncoder.builder(dir).threads(cores).build()) {
            SparkCrossEncoder model = SparkCrossEncoder.builder(dir.toString()).build();
            Dataset<Row> frame = frame(spark, pairs, partitions);
            System.out.printf("%,d STS-B test pairs, distilroberta-base shape; Spark local[%d] with %d partitions vs CrossEncoder with %d threads%n",
                    pairs.size(), cores, partitions, cores);

            float[] want = library.predict(pairs); // warm-up, and the numbers Spark must give
            float[] got = scores(model.score(frame, "a", "b").select("score").collectAsList());
            if (!Arrays.equals(want, got)) {
                throw new IllegalStateException("Spark's scores differ from CrossEncoder.predict's");
            }
            double[] libraryMs = new double[rounds];
            double[] sparkMs = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                library.predict(pairs);
                long t1 = System.nanoTime();
                model.score(frame, "a", "b").select("score").collectAsList();
                long t2 = System.nanoTime();
                libraryMs[r] = (t1 - t0) / 1e6;
                sparkMs[r] = (t2 - t1) / 1e6;
                System.out.printf("round %d: CrossEncoder %,.0f ms, Spark %,.0f ms%n", r + 1, libraryMs[r], sparkMs[r]);
            }
            report(pairs.size(), cores, median(libraryMs), median(sparkMs));
        } finally {
            spark.stop();
        }
    }

    private static void report(int pairs, int cores, double libraryMs, double sparkMs) {
        double overhead = sparkMs / libraryMs - 1;
        double perCore = pairs / (sparkMs / 1000) / cores;
        System.out.printf("median: CrossEncoder %,.0f ms (%,.1f pairs/s), Spark %,.0f ms (%,.1f pairs/s): overhead %+.1f%% %s%n",
                libraryMs, pairs / (libraryMs / 1000), sparkMs, pairs / (sparkMs / 1000), 100 * overhead,
                overhead <= 0.10 ? "(within 10%)" : "(OVER 10%)");
        System.out.printf("Spark: %,.1f pairs/s per executor core%n", perCore);
        double coreHours = 1e9 / perCore / 3600;
        System.out.printf("a billion STS-B-like pairs: %,.0f core-hours; on 100 executors x 8 cores: %,.1f h%n",
                coreHours, coreHours / 800);
    }

    /** The model as a directory every executor could load: config, synthetic weights, roberta-base tokenizer. */
    private static Path modelDirectory(Path dir) throws IOException {
        if (Files.exists(dir.resolve("model.safetensors"))) {
            return dir;
        }
        Files.createDirectories(dir);
        Path tokenizer = SyntheticModel.testdata().resolve("roberta-base-tokenizer");
        for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
            Files.copy(tokenizer.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.copy(Path.of("benchmarks/scripts/distilroberta-config.json"), dir.resolve("config.json"), StandardCopyOption.REPLACE_EXISTING);
        Converter.synthesize(dir.resolve("config.json"), SyntheticModel.DISTILROBERTA.salt, dir, DType.F32);
        return dir;
    }

    private static Dataset<Row> frame(SparkSession spark, List<Pair> pairs, int partitions) {
        List<Row> rows = new ArrayList<>(pairs.size());
        for (Pair p : pairs) {
            rows.add(RowFactory.create(p.a(), p.b()));
        }
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("a", DataTypes.StringType, false),
                DataTypes.createStructField("b", DataTypes.StringType, false)));
        return spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, partitions), schema);
    }

    private static float[] scores(List<Row> rows) {
        float[] out = new float[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows.get(i).getFloat(0);
        }
        return out;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static int option(String[] args, String name, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                int n = Integer.parseInt(args[i + 1]);
                if (n < 1) {
                    throw new IllegalArgumentException(name + " must be at least 1, got " + n);
                }
                return n;
            }
        }
        return fallback;
    }
}
