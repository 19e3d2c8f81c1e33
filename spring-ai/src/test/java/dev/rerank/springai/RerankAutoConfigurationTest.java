package dev.rerank.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rerank.CrossEncoder;
import dev.rerank.SentenceEncoder;
import dev.rerank.weights.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.rag.Query;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The auto-configuration in real application contexts, on the tiny test models. */
class RerankAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RerankEmbeddingAutoConfiguration.class, RerankRerankerAutoConfiguration.class));

    @Test
    void noModelNoBeans() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(SentenceEncoder.class).doesNotHaveBean(EmbeddingModel.class);
            assertThat(context).doesNotHaveBean(CrossEncoder.class).doesNotHaveBean(RerankDocumentPostProcessor.class);
        });
    }

    @Test
    void theEmbeddingModelIsBuiltFromTheProperties() {
        runner.withPropertyValues("rerank.embedding.model=" + TestData.embedder(), "rerank.embedding.threads=1",
                "rerank.embedding.max-length=16", "rerank.embedding.batch-size=3", "rerank.embedding.normalize=false").run(context -> {
            assertThat(context).hasSingleBean(SentenceEncoder.class).hasSingleBean(RerankEmbeddingModel.class);
            assertThat(context).doesNotHaveBean(CrossEncoder.class);
            EmbeddingModel model = context.getBean(EmbeddingModel.class);
            assertEquals(16, context.getBean(SentenceEncoder.class).maxLength());
            try (SentenceEncoder direct = SentenceEncoder.builder(TestData.embedder()).threads(1).maxLength(16).normalize(false).build()) {
                float[][] want = direct.encode(TestData.DOCUMENTS);
                EmbeddingResponse got = model.call(new EmbeddingRequest(TestData.DOCUMENTS, null));
                for (int i = 0; i < want.length; i++) {
                    assertArrayEquals(want[i], got.getResults().get(i).getOutput(), 0f, TestData.DOCUMENTS.get(i));
                }
                assertTrue(Math.abs(norm(want[0]) - 1) > 1e-3, "not normalized: " + norm(want[0]));
            }
            assertEquals(TestData.embedder().toString(), model.call(new EmbeddingRequest(List.of("a"), null)).getMetadata().getModel());
        });
    }

    @Test
    void promptNamesComeFromTheProperties(@TempDir Path tmp) throws IOException {
        Path prompted = TestData.promptedEmbedder(tmp, null);
        runner.withPropertyValues("rerank.embedding.model=" + prompted, "rerank.embedding.prompt-name=query",
                "rerank.embedding.document-prompt-name=document").run(context -> {
            SentenceEncoder encoder = context.getBean(SentenceEncoder.class);
            EmbeddingModel model = context.getBean(EmbeddingModel.class);
            String text = TestData.QUERY;
            assertArrayEquals(encoder.encode(List.of(text), "query")[0], model.embed(text), 0f);
            assertArrayEquals(encoder.encode(List.of(text), "document")[0], model.embed(new Document(text)), 0f);
        });
    }

    @Test
    void theRerankerIsBuiltFromTheProperties() {
        runner.withPropertyValues("rerank.reranker.model=" + TestData.reranker(), "rerank.reranker.top-n=3",
                "rerank.reranker.weights-dtype=bf16", "rerank.reranker.max-length=24", "rerank.reranker.batch-size=2").run(context -> {
            assertThat(context).hasSingleBean(CrossEncoder.class).hasSingleBean(RerankDocumentPostProcessor.class);
            assertThat(context).doesNotHaveBean(EmbeddingModel.class);
            List<Document> documents = TestData.DOCUMENTS.stream().map(Document::new).toList();
            List<Document> reranked = context.getBean(RerankDocumentPostProcessor.class).process(new Query(TestData.QUERY), documents);
            try (CrossEncoder direct = CrossEncoder.builder(TestData.reranker()).weightsDtype(DType.BF16).maxLength(24).build()) {
                List<CrossEncoder.Ranked> want = direct.rank(TestData.QUERY, TestData.DOCUMENTS, 3);
                assertEquals(3, reranked.size());
                for (int k = 0; k < 3; k++) {
                    assertEquals(want.get(k).text(), reranked.get(k).getText());
                    assertEquals((double) want.get(k).score(), reranked.get(k).getScore(), 0.0);
                }
                try (CrossEncoder f32 = CrossEncoder.builder(TestData.reranker()).maxLength(24).build()) {
                    assertNotEquals(scores(f32.rank(TestData.QUERY, TestData.DOCUMENTS, 3)), scores(want), "weights-dtype took effect");
                }
            }
        });
    }

    @Test
    void minScoreComesFromTheProperties() {
        float second;
        try (CrossEncoder direct = CrossEncoder.load(TestData.reranker())) {
            second = direct.rank(TestData.QUERY, TestData.DOCUMENTS, 2).get(1).score();
        }
        runner.withPropertyValues("rerank.reranker.model=" + TestData.reranker(), "rerank.reranker.min-score=" + second).run(context -> {
            List<Document> documents = TestData.DOCUMENTS.stream().map(Document::new).toList();
            assertEquals(2, context.getBean(RerankDocumentPostProcessor.class).process(new Query(TestData.QUERY), documents).size());
        });
    }

    @Test
    void backsOffWhenTheApplicationDefinesItsOwn() {
        ApplicationContextRunner both = runner.withPropertyValues("rerank.embedding.model=" + TestData.embedder(),
                "rerank.reranker.model=" + TestData.reranker());
        both.withUserConfiguration(OwnEncoders.class).run(context -> {
            assertThat(context).hasSingleBean(SentenceEncoder.class).hasSingleBean(CrossEncoder.class);
            assertThat(context).doesNotHaveBean("rerankSentenceEncoder").doesNotHaveBean("rerankCrossEncoder");
            // The wrappers are still made, on the application's own models.
            SentenceEncoder own = context.getBean("ownEncoder", SentenceEncoder.class);
            assertEquals(7, own.maxLength());
            assertArrayEquals(own.encode(TestData.QUERY), context.getBean(EmbeddingModel.class).embed(TestData.QUERY), 0f);
            assertThat(context).hasSingleBean(RerankDocumentPostProcessor.class);
        });
        both.withUserConfiguration(OwnWrappers.class).run(context -> {
            assertThat(context).hasSingleBean(EmbeddingModel.class).hasSingleBean(RerankDocumentPostProcessor.class);
            assertThat(context).doesNotHaveBean("rerankEmbeddingModel").doesNotHaveBean("rerankDocumentPostProcessor");
            assertSame(context.getBean("ownEmbeddingModel"), context.getBean(EmbeddingModel.class));
        });
    }

    @Test
    void theModelsAreClosedWithTheContext() {
        AtomicReference<SentenceEncoder> encoder = new AtomicReference<>();
        AtomicReference<CrossEncoder> crossEncoder = new AtomicReference<>();
        runner.withPropertyValues("rerank.embedding.model=" + TestData.embedder(), "rerank.reranker.model=" + TestData.reranker())
                .run(context -> {
                    encoder.set(context.getBean(SentenceEncoder.class));
                    crossEncoder.set(context.getBean(CrossEncoder.class));
                    assertEquals(32, encoder.get().encode("open").length);
                });
        assertEquals("this SentenceEncoder is closed",
                assertThrows(IllegalStateException.class, () -> encoder.get().encode("closed")).getMessage());
        assertEquals("this CrossEncoder is closed", assertThrows(IllegalStateException.class,
                () -> crossEncoder.get().predict(List.of(new CrossEncoder.Pair("a", "b")))).getMessage());
    }

    @Test
    void aHubIdLoadsFromTheHuggingFaceCacheAtTheRevision() throws IOException {
        // The build points HF_HUB_CACHE at an empty folder and sets HF_HUB_OFFLINE: a cache laid out as
        // huggingface_hub lays it out, main at one commit (a RoBERTa cross-encoder), v2 at another (a BERT one).
        Path cache = Path.of(System.getenv("HF_HUB_CACHE"));
        Path repo = cache.resolve("models--test-org--tiny-reranker");
        TestData.deleteTree(repo);
        String main = "a".repeat(40);
        String v2 = "b".repeat(40);
        TestData.copyTree(TestData.reranker(), repo.resolve("snapshots").resolve(main));
        TestData.copyTree(TestData.file("models/tiny-bert"), repo.resolve("snapshots").resolve(v2));
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), main);
        Files.writeString(repo.resolve("refs/v2"), v2);

        ApplicationContextRunner hub = runner.withPropertyValues("rerank.reranker.model=test-org/tiny-reranker");
        hub.run(context -> assertEquals("RobertaForSequenceClassification", context.getBean(CrossEncoder.class).config().className()));
        hub.withPropertyValues("rerank.reranker.revision=v2")
                .run(context -> assertEquals("BertForSequenceClassification", context.getBean(CrossEncoder.class).config().className()));
        assertStartUpFails(runner.withPropertyValues("rerank.reranker.model=test-org/not-cached"), "rerank.reranker.model",
                "HF_HUB_OFFLINE is set and there is no cached copy of test-org/not-cached");
    }

    @Test
    void aMissingModelDirectoryFailsStartUpNamingTheProperty() {
        Path missing = TestData.file("models/no-such-model");
        assertStartUpFails(runner.withPropertyValues("rerank.reranker.model=" + missing), "rerank.reranker.model",
                "model directory not found: " + missing);
        assertStartUpFails(runner.withPropertyValues("rerank.embedding.model=" + missing), "rerank.embedding.model",
                "model directory not found: " + missing);
    }

    @Test
    void aModelOfTheWrongKindFailsStartUpNamingTheProperty(@TempDir Path tmp) throws IOException {
        FailureAnalysis embedder = assertStartUpFails(runner.withPropertyValues("rerank.reranker.model=" + TestData.embedder()),
                "rerank.reranker.model", "which has no classification head");
        assertTrue(embedder.getAction().contains("rerank.embedding.model"), embedder.getAction());
        assertStartUpFails(runner.withPropertyValues("rerank.reranker.model=" + TestData.classifier(tmp.resolve("nli"))),
                "rerank.reranker.model", "the model has 3 labels: a classifier (e.g. NLI), not a reranker (one score per pair)");
    }

    @Test
    void aBadSettingFailsStartUpNamingItsProperty() {
        ApplicationContextRunner reranker = runner.withPropertyValues("rerank.reranker.model=" + TestData.reranker());
        assertStartUpFails(reranker.withPropertyValues("rerank.reranker.threads=0"), "rerank.reranker.threads", "threads");
        assertStartUpFails(reranker.withPropertyValues("rerank.reranker.max-length=100000"), "rerank.reranker.max-length",
                "max length 100000 exceeds the model's limit of 512");
        assertStartUpFails(reranker.withPropertyValues("rerank.reranker.batch-size=0"), "rerank.reranker.batch-size",
                "batch size must be at least 1, got 0");
        assertStartUpFails(reranker.withPropertyValues("rerank.reranker.weights-dtype=f16"), "rerank.reranker.weights-dtype",
                "weights can be kept as f32 or bf16");
        assertStartUpFails(reranker.withPropertyValues("rerank.reranker.top-n=-1"), "rerank.reranker.top-n",
                "top-n must be at least 0 (0: all documents), got -1");
        ApplicationContextRunner embedder = runner.withPropertyValues("rerank.embedding.model=" + TestData.embedder());
        assertStartUpFails(embedder.withPropertyValues("rerank.embedding.max-length=1"), "rerank.embedding.max-length",
                "max length must be at least 2 (the special tokens), got 1");
        assertStartUpFails(embedder.withPropertyValues("rerank.embedding.prompt-name=query"), "rerank.embedding.prompt-name",
                "the model has no prompt named 'query' (it has no prompts)");
        assertStartUpFails(embedder.withPropertyValues("rerank.embedding.document-prompt-name=passage"),
                "rerank.embedding.document-prompt-name", "the model has no prompt named 'passage'");
        assertStartUpFails(runner.withPropertyValues("rerank.embedding.model= "), "rerank.embedding.model", "no model given");
    }

    /** The context fails to start with a RerankModelException for {@code property}, and the report names it and the reason. */
    private static FailureAnalysis assertStartUpFails(ApplicationContextRunner runner, String property, String reason) {
        AtomicReference<FailureAnalysis> analysis = new AtomicReference<>();
        runner.run(context -> {
            assertThat(context).hasFailed();
            Throwable failure = context.getStartupFailure();
            RerankModelException cause = find(failure);
            assertEquals(property, cause.property(), failure.toString());
            assertTrue(cause.reason().contains(reason), cause.reason());
            FailureAnalysis report = new RerankModelFailureAnalyzer().analyze(failure);
            assertTrue(report.getDescription().contains(property + "="), report.getDescription());
            assertTrue(report.getDescription().contains(reason), report.getDescription());
            assertTrue(report.getAction() != null && !report.getAction().isBlank());
            analysis.set(report);
        });
        return analysis.get();
    }

    private static RerankModelException find(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RerankModelException e) {
                return e;
            }
        }
        throw new AssertionError("no RerankModelException in " + failure, failure);
    }

    private static List<Float> scores(List<CrossEncoder.Ranked> ranking) {
        return ranking.stream().map(CrossEncoder.Ranked::score).toList();
    }

    private static double norm(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x * x;
        }
        return Math.sqrt(sum);
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnEncoders {
        @Bean(destroyMethod = "close")
        SentenceEncoder ownEncoder() {
            return SentenceEncoder.builder(TestData.embedder()).maxLength(7).build();
        }

        @Bean(destroyMethod = "close")
        CrossEncoder ownCrossEncoder() {
            return CrossEncoder.builder(TestData.reranker()).maxLength(9).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnWrappers {
        @Bean
        EmbeddingModel ownEmbeddingModel(SentenceEncoder encoder) {
            return RerankEmbeddingModel.builder(encoder).modelName("own").build();
        }

        @Bean
        RerankDocumentPostProcessor ownPostProcessor(CrossEncoder crossEncoder) {
            return RerankDocumentPostProcessor.builder(crossEncoder).topN(1).build();
        }
    }
}
