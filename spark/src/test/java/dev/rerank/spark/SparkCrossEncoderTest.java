package dev.rerank.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rerank.CrossEncoder;
import dev.rerank.CrossEncoder.Output;
import dev.rerank.CrossEncoder.Pair;
import dev.rerank.CrossEncoder.Ranked;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.collection.Seq;
import scala.jdk.javaapi.CollectionConverters;

/** Scores and rankings on a local[2] session against the library's, bit for bit. */
class SparkCrossEncoderTest {
    private static SparkSession spark;
    private static CrossEncoder library;
    private static SparkCrossEncoder model;

    @BeforeAll
    static void start() {
        spark = TestSpark.session();
        library = CrossEncoder.builder(TestSpark.testdata("models/tiny-roberta")).threads(2).build();
        model = SparkCrossEncoder.builder(TestSpark.model("tiny-roberta")).build();
    }

    @AfterAll
    static void stop() {
        library.close();
    }

    static float[] floats(List<Row> rows, String column) {
        float[] out = new float[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows.get(i).<Float>getAs(column);
        }
        return out;
    }

    @Test
    void tenThousandRowsInEightPartitionsScoreAsPredictDoes() {
        List<Pair> pairs = TestSpark.pairs(10_000);
        Dataset<Row> frame = TestSpark.frame(pairs, 8);
        assertEquals(8, frame.javaRDD().getNumPartitions());
        long t0 = System.nanoTime();
        List<Row> rows = model.score(frame, "a", "b").collectAsList();
        long t1 = System.nanoTime();
        float[] want = library.predict(pairs);
        System.out.printf("10,000 pairs on tiny-roberta: Spark local[2] %d ms, CrossEncoder (2 threads) %d ms%n",
                (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
        assertEquals(List.of("a", "b", "score", "error"), Arrays.asList(rows.get(0).schema().fieldNames()));
        assertEquals(pairs.size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(pairs.get(i).a(), rows.get(i).getString(0));
            assertEquals(pairs.get(i).b(), rows.get(i).getString(1));
            assertNull(rows.get(i).get(3));
        }
        assertArrayEquals(want, floats(rows, "score"));
    }

    @Test
    void bertScoresAsPredictDoes() {
        try (CrossEncoder bert = CrossEncoder.builder(TestSpark.testdata("models/tiny-bert")).threads(2).build()) {
            List<Pair> pairs = TestSpark.pairs(1_000);
            SparkCrossEncoder sparkBert = SparkCrossEncoder.builder(TestSpark.model("tiny-bert")).build();
            List<Row> rows = sparkBert.score(TestSpark.frame(pairs, 4), "a", "b").collectAsList();
            assertArrayEquals(bert.predict(pairs), floats(rows, "score"));
        }
    }

    @Test
    void logitsAndSeveralThreadsPerTaskGiveTheLibrarysNumbers() {
        List<Pair> pairs = TestSpark.pairs(600);
        SparkCrossEncoder threaded = SparkCrossEncoder.builder(TestSpark.model("tiny-roberta"))
                .threadsPerTask(3).rowsPerCall(40).batchSize(7).build();
        List<Row> rows = threaded.score(TestSpark.frame(pairs, 3), "a", "b", true).collectAsList();
        float[][] logits = library.predict(pairs, Output.LOGITS);
        assertArrayEquals(library.predict(pairs), floats(rows, "score"));
        for (int i = 0; i < rows.size(); i++) {
            List<Float> got = rows.get(i).getList(rows.get(i).fieldIndex("logits"));
            assertEquals(1, got.size());
            assertEquals(Float.floatToIntBits(logits[i][0]), Float.floatToIntBits(got.get(0)));
        }
    }

    @Test
    void nullEmptyAndHugeTexts() {
        String huge = "A man is playing a large flute on the street. ".repeat(4_000);
        List<Row> input = List.of(
                RowFactory.create(null, "b"), RowFactory.create("a", null), RowFactory.create(null, null),
                RowFactory.create("", ""), RowFactory.create("", "A dog runs."), RowFactory.create(huge, "A man plays."),
                RowFactory.create("A man plays.", huge), RowFactory.create(huge, huge));
        List<Row> rows = model.score(TestSpark.frameOf(input, TestSpark.PAIRS, 3), "a", "b").collectAsList();
        assertEquals("column 'a' is null", rows.get(0).getAs("error"));
        assertEquals("column 'b' is null", rows.get(1).getAs("error"));
        assertEquals("columns 'a' and 'b' are null", rows.get(2).getAs("error"));
        List<Pair> good = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            assertNull(rows.get(i).getAs("score"));
        }
        for (int i = 3; i < input.size(); i++) {
            assertNull(rows.get(i).getAs("error"));
            good.add(new Pair(input.get(i).getString(0), input.get(i).getString(1)));
        }
        assertArrayEquals(library.predict(good), floats(rows.subList(3, rows.size()), "score"));
    }

    /** Spark's external type for an array in a Row. */
    static Seq<String> seq(List<String> values) {
        return CollectionConverters.asScala(values).toSeq();
    }

    @Test
    void rankEqualsTheLibrarysRank() {
        List<Pair> stsb = TestSpark.stsb();
        StructType schema = DataTypes.createStructType(List.of(
                Columns.nullable("q", DataTypes.StringType),
                Columns.nullable("docs", DataTypes.createArrayType(DataTypes.StringType, true))));
        List<Row> input = new ArrayList<>();
        for (int r = 0; r < 60; r++) {
            List<String> docs = new ArrayList<>();
            for (int d = 0; d < r % 13; d++) {
                docs.add(stsb.get((r * 31 + d * 17) % stsb.size()).b());
            }
            if (r % 13 == 5) {
                docs.add(docs.get(0)); // a tie: the first of equal scores stays first
            }
            input.add(RowFactory.create(stsb.get(r).a(), seq(docs)));
        }
        input.add(RowFactory.create(null, seq(List.of("x"))));
        input.add(RowFactory.create("q", null));
        input.add(RowFactory.create("q", seq(Arrays.asList("x", null))));
        Dataset<Row> frame = TestSpark.frameOf(input, schema, 4);
        for (int topK : new int[] {3, 0}) {
            List<Row> rows = model.rank(frame, "q", "docs", topK).collectAsList();
            for (int r = 0; r < 60; r++) {
                List<Ranked> want = library.rank(rows.get(r).getString(0), rows.get(r).getList(1), topK);
                List<Row> got = rows.get(r).getList(rows.get(r).fieldIndex("ranked"));
                assertEquals(want.size(), got.size(), "row " + r);
                for (int k = 0; k < want.size(); k++) {
                    assertEquals(want.get(k).corpusId(), got.get(k).getInt(0), "row " + r + " place " + k);
                    assertEquals(Float.floatToIntBits(want.get(k).score()), Float.floatToIntBits(got.get(k).getFloat(1)));
                }
            }
            assertEquals("column 'q' is null", rows.get(60).getAs("error"));
            assertEquals("column 'docs' is null", rows.get(61).getAs("error"));
            assertEquals("column 'docs' has a null document at index 1", rows.get(62).getAs("error"));
            assertNull(rows.get(62).getAs("ranked"));
        }
    }

    @Test
    void sqlFunctionsGiveTheLibrarysNumbers() {
        model.registerFunctions(spark);
        List<Pair> pairs = TestSpark.pairs(50);
        List<Row> input = new ArrayList<>();
        for (Pair p : pairs) {
            input.add(RowFactory.create(p.a(), p.b()));
        }
        input.add(RowFactory.create(null, "b"));
        TestSpark.frameOf(input, TestSpark.PAIRS, 2).createOrReplaceTempView("sql_pairs");
        List<Row> rows = spark.sql("SELECT rerank_score(a, b) AS s FROM sql_pairs").collectAsList();
        assertArrayEquals(library.predict(pairs), floats(rows.subList(0, 50), "s"));
        assertNull(rows.get(50).get(0));

        List<String> docs = List.of("A man plays a guitar.", "A woman slices an onion.", "A man plays a guitar.", "Kids ride horses.");
        Row ranked = spark.sql("SELECT rerank_rank('A man is playing guitar.', array('" + String.join("', '", docs) + "'), 2) AS r")
                .collectAsList().get(0);
        List<Ranked> want = library.rank("A man is playing guitar.", docs, 2);
        List<Row> got = ranked.getList(0);
        assertEquals(2, got.size());
        for (int k = 0; k < 2; k++) {
            assertEquals(want.get(k).corpusId(), got.get(k).getInt(0));
            assertEquals(want.get(k).score(), got.get(k).getFloat(1));
        }
    }

    @Test
    void wrongColumnsFailOnTheDriverNamingThem() {
        Dataset<Row> frame = TestSpark.frame(TestSpark.pairs(3), 1);
        assertEquals("no column named 'c' (the input has: a, b)",
                assertThrows(IllegalArgumentException.class, () -> model.score(frame, "a", "c")).getMessage());
        Dataset<Row> numbers = frame.withColumn("n", org.apache.spark.sql.functions.lit(5));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> model.score(numbers, "a", "n")).getMessage()
                .startsWith("column 'n' is int, not a string"));
        Dataset<Row> taken = frame.withColumn("score", org.apache.spark.sql.functions.lit(1.0));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> model.score(taken, "a", "b")).getMessage()
                .contains("already has a column named 'score'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> model.rank(frame, "a", "b", 3)).getMessage()
                .contains("not an array<string>"));
    }
}
