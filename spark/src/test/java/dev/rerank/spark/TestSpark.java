package dev.rerank.spark;

import dev.rerank.CrossEncoder.Pair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The one local[2] SparkSession every test class of this module shares (starting one takes
 * seconds; it lives until the test JVM exits), and the test data the classes read.
 */
final class TestSpark {
    static final StructType PAIRS = DataTypes.createStructType(List.of(
            Columns.nullable("a", DataTypes.StringType), Columns.nullable("b", DataTypes.StringType)));
    private static SparkSession session;

    private TestSpark() {}

    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder()
                    .master("local[2]")
                    .appName("rerank spark tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.driver.host", "127.0.0.1")
                    .getOrCreate();
            session.sparkContext().setLogLevel("WARN");
        }
        return session;
    }

    static Path testdata(String relative) {
        String configured = System.getProperty("rerank.testdata");
        Path dir = configured != null ? Path.of(configured) : Path.of("..", "testdata");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("testdata not found at " + dir.toAbsolutePath());
        }
        return dir.resolve(relative);
    }

    /** The model directory's path, as a string for the Spark builders. */
    static String model(String name) {
        return testdata("models/" + name).toString();
    }

    /** The STS-B test pairs (1,379), texts as they are in the file. */
    static List<Pair> stsb() {
        try {
            List<Pair> pairs = new ArrayList<>();
            for (String line : Files.readAllLines(testdata("stsb/sts-test.csv"), StandardCharsets.UTF_8)) {
                String[] f = line.split("\t");
                if (f.length >= 7) {
                    pairs.add(new Pair(f[5], f[6]));
                }
            }
            return pairs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code count} pairs made from STS-B sentences, first and second halves mixed so that none repeats early. */
    static List<Pair> pairs(int count) {
        List<Pair> stsb = stsb();
        List<Pair> pairs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            pairs.add(new Pair(stsb.get(i % stsb.size()).a(), stsb.get((i * 7 + i / stsb.size()) % stsb.size()).b()));
        }
        return pairs;
    }

    /** A DataFrame (a, b) of the pairs in {@code partitions} partitions, in order. */
    static Dataset<Row> frame(List<Pair> pairs, int partitions) {
        List<Row> rows = new ArrayList<>(pairs.size());
        for (Pair p : pairs) {
            rows.add(RowFactory.create(p.a(), p.b()));
        }
        return frameOf(rows, PAIRS, partitions);
    }

    /** The rows, in order, cut into {@code partitions} consecutive slices (so collect() gives them back in order). */
    static Dataset<Row> frameOf(List<Row> rows, StructType schema, int partitions) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(session().sparkContext());
        return session().createDataFrame(sc.parallelize(rows, partitions), schema);
    }
}
