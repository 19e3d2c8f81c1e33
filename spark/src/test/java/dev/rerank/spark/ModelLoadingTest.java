package dev.rerank.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rerank.CrossEncoder;
import dev.rerank.CrossEncoder.Pair;
import dev.rerank.model.ModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where models come from, how often a JVM loads one, and how a bad one fails. */
class ModelLoadingTest {
    private static final AtomicInteger JOBS = new AtomicInteger();
    private static SparkSession spark;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        spark = TestSpark.session();
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart jobStart) {
                JOBS.incrementAndGet();
            }
        });
    }

    @Test
    void eightPartitionsOnTwoCoresLoadTheModelOncePerJvm() {
        List<Pair> pairs = TestSpark.pairs(2_000);
        ModelCache.clear();
        SparkCrossEncoder model = SparkCrossEncoder.builder(TestSpark.model("tiny-roberta")).build();
        assertEquals(1, ModelCache.loads(), "the driver's check loads it (local mode: the executor is this JVM)");
        model.score(TestSpark.frame(pairs, 8), "a", "b").collectAsList();
        assertEquals(1, ModelCache.loads(), "the tasks share the driver's copy");

        // A cold executor: 8 tasks, 2 at a time with 3 threads each, all asking for the model at once.
        ModelCache.clear();
        SparkCrossEncoder threaded = SparkCrossEncoder.builder(TestSpark.model("tiny-roberta")).threadsPerTask(3).build();
        ModelCache.clear();
        model.score(TestSpark.frame(pairs, 8), "a", "b").collectAsList();
        threaded.score(TestSpark.frame(pairs, 8), "a", "b").collectAsList();
        assertEquals(1, ModelCache.loads(), "equal settings, one model, whatever the threads per task");
    }

    @Test
    void aMissingModelFailsOnTheDriverBeforeAnyJob() {
        int jobs = JOBS.get();
        ModelException e = assertThrows(ModelException.class,
                () -> SparkCrossEncoder.builder(tmp.resolve("no-such-model").toString()).build());
        assertEquals("model directory not found: " + tmp.resolve("no-such-model"), e.getMessage());
        assertThrows(ModelException.class, () -> SparkSentenceEncoder.builder(tmp.resolve("no-such-model").toString()).build());
        assertEquals(jobs, JOBS.get());
    }

    @Test
    void aCorruptModelFailsOnTheDriverWithTheEnginesError() throws IOException {
        Path broken = tmp.resolve("broken");
        Files.createDirectories(broken);
        Path tiny = TestSpark.testdata("models/tiny-roberta");
        for (String f : List.of("config.json", "tokenizer.json", "tokenizer_config.json")) {
            Files.copy(tiny.resolve(f), broken.resolve(f));
        }
        byte[] weights = Files.readAllBytes(tiny.resolve("model.safetensors"));
        Files.write(broken.resolve("model.safetensors"), java.util.Arrays.copyOf(weights, weights.length / 2));
        int jobs = JOBS.get();
        RuntimeException e = assertThrows(RuntimeException.class, () -> SparkCrossEncoder.builder(broken.toString()).build());
        assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
        RuntimeException library = assertThrows(RuntimeException.class, () -> CrossEncoder.load(broken));
        assertEquals(library.getClass(), e.getClass());
        assertEquals(library.getMessage(), e.getMessage());
        assertEquals(jobs, JOBS.get());
    }

    @Test
    void aModelShippedWithTheJobIsFoundThroughSparkFiles() {
        spark.sparkContext().addFile(TestSpark.model("tiny-roberta"), true);
        ModelSource source = ModelSource.of("tiny-roberta");
        assertEquals(ModelSource.Kind.SPARK_FILES, source.kind());
        List<Pair> pairs = TestSpark.pairs(300);
        float[] scores = SparkCrossEncoderTest.floats(
                SparkCrossEncoder.builder(source).build().score(TestSpark.frame(pairs, 2), "a", "b").collectAsList(), "score");
        try (CrossEncoder library = CrossEncoder.load(TestSpark.testdata("models/tiny-roberta"))) {
            assertArrayEquals(library.predict(pairs), scores);
        }
        ModelException e = assertThrows(ModelException.class, () -> ModelSource.sparkFiles("not-shipped").resolve());
        assertTrue(e.getMessage().startsWith("model directory not found: 'not-shipped' is not among the job's files"), e.getMessage());
    }

    @Test
    void hubIdsAreResolvedThroughTheHuggingFaceCache() throws IOException {
        assertEquals(ModelSource.hub("cross-encoder/ms-marco-MiniLM-L6-v2"), ModelSource.of("cross-encoder/ms-marco-MiniLM-L6-v2"));
        assertEquals(ModelSource.Kind.DIRECTORY, ModelSource.of("./models/x").kind());
        assertEquals(ModelSource.Kind.DIRECTORY, ModelSource.of(TestSpark.model("tiny-roberta")).kind());
        assumeTrue(System.getenv("HF_HOME") == null && System.getenv("HF_HUB_CACHE") == null,
                "HF_HOME or HF_HUB_CACHE is set: the cache cannot be pointed at a test folder");
        // A cached snapshot in huggingface_hub's layout under ~/.cache/huggingface/hub, ~ made a
        // test folder: found there without any request, on the driver and in the tasks.
        Path repo = tmp.resolve("home/.cache/huggingface/hub/models--test-org--tiny-reranker");
        Path snapshot = repo.resolve("snapshots/0123456789abcdef0123456789abcdef01234567");
        Files.createDirectories(snapshot);
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), snapshot.getFileName().toString());
        Path tiny = TestSpark.testdata("models/tiny-roberta");
        for (String f : List.of("config.json", "tokenizer.json", "tokenizer_config.json", "model.safetensors")) {
            Files.copy(tiny.resolve(f), snapshot.resolve(f));
        }
        String home = System.getProperty("user.home");
        System.setProperty("user.home", tmp.resolve("home").toString());
        try {
            List<Pair> pairs = TestSpark.pairs(200);
            SparkCrossEncoder model = SparkCrossEncoder.builder("test-org/tiny-reranker").build();
            float[] scores = SparkCrossEncoderTest.floats(model.score(TestSpark.frame(pairs, 2), "a", "b").collectAsList(), "score");
            try (CrossEncoder library = CrossEncoder.load(tiny)) {
                assertArrayEquals(library.predict(pairs), scores);
            }
        } finally {
            System.setProperty("user.home", home);
        }
    }
}
