package dev.rerank.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rerank.CrossEncoder.Pair;
import dev.rerank.SentenceEncoder;
import dev.rerank.convert.Converter;
import dev.rerank.weights.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Embeddings on a local[2] session against the library's, bit for bit. */
class SparkSentenceEncoderTest {
    private static final StructType TEXTS = DataTypes.createStructType(List.of(Columns.nullable("text", DataTypes.StringType)));
    private static SparkSession spark;
    private static Path roberta;

    @TempDir
    static Path tmp;

    /**
     * A sentence-transformers directory around a synthetic tiny RoBERTa encoder: mean pooling,
     * normalized, max_seq_length 64 (so that long texts are cut).
     */
    @BeforeAll
    static void start() throws IOException {
        spark = TestSpark.session();
        roberta = tmp.resolve("tiny-roberta-embed");
        Files.createDirectories(roberta.resolve("1_Pooling"));
        Path tiny = TestSpark.testdata("models/tiny-roberta");
        JsonObject config = JsonParser.parseString(Files.readString(tiny.resolve("config.json"))).getAsJsonObject();
        JsonArray architectures = new JsonArray();
        architectures.add("RobertaModel");
        config.add("architectures", architectures);
        Files.writeString(roberta.resolve("config.json"), config.toString());
        Converter.synthesize(roberta.resolve("config.json"), "spark-embed", roberta, DType.F32);
        Files.copy(tiny.resolve("tokenizer.json"), roberta.resolve("tokenizer.json"));
        Files.copy(tiny.resolve("tokenizer_config.json"), roberta.resolve("tokenizer_config.json"));
        Files.writeString(roberta.resolve("modules.json"), """
                [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                 {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                 {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]""");
        Files.writeString(roberta.resolve("sentence_bert_config.json"), "{\"max_seq_length\": 64, \"do_lower_case\": false}");
        Files.writeString(roberta.resolve("1_Pooling/config.json"),
                "{\"word_embedding_dimension\": 40, \"pooling_mode_mean_tokens\": true}");
    }

    private static List<String> texts(int count) {
        List<String> texts = new ArrayList<>(count);
        for (Pair p : TestSpark.pairs(count)) {
            texts.add(p.a());
        }
        return texts;
    }

    private static List<Row> rows(List<String> texts) {
        List<Row> rows = new ArrayList<>(texts.size());
        for (String t : texts) {
            rows.add(RowFactory.create(t));
        }
        return rows;
    }

    private static void assertEmbeddings(float[][] want, List<Row> rows) {
        assertEquals(want.length, rows.size());
        for (int i = 0; i < want.length; i++) {
            List<Float> got = rows.get(i).getList(rows.get(i).fieldIndex("embedding"));
            float[] values = new float[got.size()];
            for (int k = 0; k < values.length; k++) {
                values[k] = got.get(k);
            }
            assertArrayEquals(want[i], values, "row " + i);
        }
    }

    @Test
    void embeddingsEqualTheLibrarys() {
        List<String> texts = texts(2_000);
        SparkSentenceEncoder model = SparkSentenceEncoder.builder(roberta.toString()).threadsPerTask(2).rowsPerCall(100).build();
        assertEquals(40, model.dimension());
        List<Row> rows = model.embed(TestSpark.frameOf(rows(texts), TEXTS, 8), "text").collectAsList();
        assertEquals(List.of("text", "embedding", "error"), Arrays.asList(rows.get(0).schema().fieldNames()));
        try (SentenceEncoder library = SentenceEncoder.load(roberta)) {
            assertEmbeddings(library.encode(texts), rows);
        }
    }

    @Test
    void bertEmbeddingsEqualTheLibrarys() {
        List<String> texts = texts(500);
        Path dir = TestSpark.testdata("models/tiny-bert-embed");
        List<Row> rows = SparkSentenceEncoder.builder(dir.toString()).build()
                .embed(TestSpark.frameOf(rows(texts), TEXTS, 3), "text").collectAsList();
        try (SentenceEncoder library = SentenceEncoder.load(dir)) {
            assertEmbeddings(library.encode(texts), rows);
        }
    }

    @Test
    void nullEmptyAndHugeTexts() {
        String huge = "A child rides a horse along the beach. ".repeat(5_000);
        List<Row> rows = SparkSentenceEncoder.builder(roberta.toString()).build()
                .embed(TestSpark.frameOf(rows(Arrays.asList("", null, huge, "A dog.")), TEXTS, 2), "text").collectAsList();
        assertEquals("column 'text' is null", rows.get(1).getAs("error"));
        assertNull(rows.get(1).getAs("embedding"));
        try (SentenceEncoder library = SentenceEncoder.load(roberta)) {
            float[][] want = library.encode(List.of("", huge, "A dog."));
            assertEmbeddings(new float[][] {want[0]}, rows.subList(0, 1));
            assertEmbeddings(new float[][] {want[1], want[2]}, rows.subList(2, 4));
        }
    }

    @Test
    void theEmbedSqlFunctionGivesTheLibrarysEmbeddings() {
        SparkSentenceEncoder.builder(roberta.toString()).build().registerFunctions(spark);
        List<String> texts = texts(20);
        List<Row> input = rows(texts);
        input.add(RowFactory.create((Object) null));
        TestSpark.frameOf(input, TEXTS, 2).createOrReplaceTempView("sql_texts");
        List<Row> rows = spark.sql("SELECT embed(text) AS embedding FROM sql_texts").collectAsList();
        try (SentenceEncoder library = SentenceEncoder.load(roberta)) {
            assertEmbeddings(library.encode(texts), rows.subList(0, 20));
        }
        assertNull(rows.get(20).get(0));
    }

    @Test
    void anUnknownPromptFailsOnTheDriver() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkSentenceEncoder.builder(roberta.toString()).prompt("query").build());
        assertTrue(e.getMessage().startsWith("the model has no prompt named 'query'"), e.getMessage());
    }
}
