package dev.rerank.springai;

import dev.rerank.CrossEncoder;
import dev.rerank.SentenceEncoder;
import dev.rerank.VectorSupport;
import dev.rerank.hub.DownloadProgress;
import dev.rerank.hub.Hub;
import dev.rerank.hub.HubSettings;
import dev.rerank.weights.DType;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Loads the models the {@code rerank.*} properties describe. Whatever goes wrong — the JVM lacks
 * the Vector API, the directory is missing, the hub has no such model, it is no cross-encoder, a
 * setting is out of range — becomes a {@link RerankModelException} naming the property at fault.
 */
final class ModelLoader {
    static final String VECTOR_API_ACTION = """
            The engine runs on the JDK's incubating Vector API: start the JVM with %1$s.
            	java -jar:              java %1$s -jar app.jar
            	mvn spring-boot:run:    <jvmArguments>%1$s</jvmArguments> in spring-boot-maven-plugin's <configuration>
            	Maven tests:            <argLine>%1$s</argLine> in maven-surefire-plugin's <configuration>
            	Gradle:                 jvmArgs '--add-modules', 'jdk.incubator.vector' in bootRun { } and test { }
            	an IDE:                 the run configuration's VM options
            	any java process:       the environment variable JDK_JAVA_OPTIONS='%1$s'""".formatted(VectorSupport.FLAG);

    private ModelLoader() {}

    static SentenceEncoder sentenceEncoder(RerankEmbeddingProperties p) {
        String prefix = RerankEmbeddingProperties.PREFIX;
        String action = "Set " + prefix + ".model to a sentence-transformers model: a directory or a hub id such as"
                + " sentence-transformers/all-MiniLM-L6-v2.";
        SentenceEncoder.Builder b = SentenceEncoder.builder(resolve(prefix, p, action));
        settings(prefix, p, b::threads, b::maxLength, b::batchSize, b::weightsDtype);
        set(prefix + ".normalize", p.getNormalize(), b::normalize);
        return build(prefix, p, b::build, action);
    }

    static CrossEncoder crossEncoder(RerankRerankerProperties p) {
        String prefix = RerankRerankerProperties.PREFIX;
        String action = "Set " + prefix + ".model to a cross-encoder, a *ForSequenceClassification model with one score"
                + " per pair: a directory or a hub id such as cross-encoder/ms-marco-MiniLM-L-6-v2. (A model without a"
                + " classification head is an embedding model: rerank.embedding.model.)";
        CrossEncoder.Builder b = CrossEncoder.builder(resolve(prefix, p, action));
        settings(prefix, p, b::threads, b::maxLength, b::batchSize, b::weightsDtype);
        CrossEncoder model = build(prefix, p, b::build, action);
        if (model.config().numLabels() != 1) {
            int labels = model.config().numLabels();
            model.close();
            throw new RerankModelException(prefix + ".model", p.getModel(), "the model has " + labels
                    + " labels: a classifier (e.g. NLI), not a reranker (one score per pair)", action, null);
        }
        return model;
    }

    /** Fails, naming the property, when {@code check} refuses the value. */
    static void check(String property, Object value, Runnable check) {
        try {
            check.run();
        } catch (IllegalArgumentException e) {
            throw badSetting(property, value, e);
        }
    }

    private static RerankModelException badSetting(String property, Object value, RuntimeException e) {
        return new RerankModelException(property, value, reason(e), "Change " + property + ", or remove it for the default.", e);
    }

    private static Path resolve(String prefix, ModelProperties p, String action) {
        String property = prefix + ".model";
        if (!VectorSupport.available()) {
            throw new RerankModelException(property, p.getModel(), "the JVM was started without " + VectorSupport.FLAG,
                    VECTOR_API_ACTION, null);
        }
        if (p.getModel() == null || p.getModel().isBlank()) {
            throw new RerankModelException(property, p.getModel(), "no model given", action, null);
        }
        try {
            return new Hub(HubSettings.fromEnvironment(), DownloadProgress.NONE).resolve(p.getModel(), p.getRevision(), Hub.Need.MODEL);
        } catch (RuntimeException e) {
            throw new RerankModelException(property, p.getModel(), reason(e), action, e);
        }
    }

    /** The settings both builders take, each refused value named by its property. */
    private static void settings(String prefix, ModelProperties p, Consumer<Integer> threads, Consumer<Integer> maxLength,
                                 Consumer<Integer> batchSize, Consumer<DType> weightsDtype) {
        set(prefix + ".threads", p.getThreads(), threads);
        set(prefix + ".max-length", p.getMaxLength(), maxLength);
        set(prefix + ".batch-size", p.getBatchSize(), batchSize);
        set(prefix + ".weights-dtype", dtype(prefix, p.getWeightsDtype()), weightsDtype);
    }

    private static <T> void set(String property, T value, Consumer<T> setter) {
        if (value != null) {
            check(property, value, () -> setter.accept(value));
        }
    }

    private static DType dtype(String prefix, String value) {
        if (value == null) {
            return null;
        }
        DType dtype = DType.parse(value.trim().toUpperCase(Locale.ROOT));
        if (dtype != DType.F32 && dtype != DType.BF16) {
            throw new RerankModelException(prefix + ".weights-dtype", value, "weights can be kept as f32 or bf16",
                    "Set " + prefix + ".weights-dtype to f32 or bf16, or remove it to keep the weights as stored.", null);
        }
        return dtype;
    }

    /**
     * The model built. A failure is the model property's, with the reason the engine gives, except
     * a max length the model does not allow (known only once its config is read).
     */
    private static <T> T build(String prefix, ModelProperties p, Supplier<T> build, String action) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            if (p.getMaxLength() != null && e.getMessage() != null && e.getMessage().startsWith("max length")) {
                throw badSetting(prefix + ".max-length", p.getMaxLength(), e);
            }
            throw new RerankModelException(prefix + ".model", p.getModel(), reason(e), action, e);
        } catch (RuntimeException e) {
            throw new RerankModelException(prefix + ".model", p.getModel(), reason(e), action, e);
        }
    }

    private static String reason(RuntimeException e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
