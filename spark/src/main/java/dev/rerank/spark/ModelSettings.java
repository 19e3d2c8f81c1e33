package dev.rerank.spark;

import dev.rerank.CrossEncoder;
import dev.rerank.SentenceEncoder;
import java.io.Serializable;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * Everything that shapes a loaded model: where it comes from and the engine settings it is built
 * with. A value (equal settings, equal key), so it is the key of the JVM's {@link ModelCache}, and
 * serializable, so tasks carry it to the executors and load from it there.
 *
 * @param maxLength tokens per input before truncation; 0 for the model's own limit
 * @param normalize sentence encoders only: force unit length on or off; null for the model's choice
 */
record ModelSettings(ModelSource source, int batchSize, int maxLength, Boolean normalize) implements Serializable {
    private record Key(Class<?> kind, ModelSettings settings) {}

    ModelSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (maxLength < 0) {
            throw new IllegalArgumentException("max length must be positive, got " + maxLength);
        }
    }

    /**
     * This JVM's cross-encoder for these settings. Built with one thread: a task's threads each run
     * their own slice of rows through it (see {@link TaskThreads}), so concurrent tasks and threads
     * never wait for one another inside the engine.
     */
    CrossEncoder crossEncoder() {
        return ModelCache.get(new Key(CrossEncoder.class, this), this::loadCrossEncoder);
    }

    /** This JVM's sentence encoder for these settings, one thread, as {@link #crossEncoder}. */
    SentenceEncoder sentenceEncoder() {
        return ModelCache.get(new Key(SentenceEncoder.class, this), this::loadSentenceEncoder);
    }

    private CrossEncoder loadCrossEncoder() {
        CrossEncoder.Builder b = CrossEncoder.builder(source.resolve()).threads(1).batchSize(batchSize);
        if (maxLength > 0) {
            b.maxLength(maxLength);
        }
        return b.build();
    }

    private SentenceEncoder loadSentenceEncoder() {
        SentenceEncoder.Builder b = SentenceEncoder.builder(source.resolve()).threads(1).batchSize(batchSize);
        if (maxLength > 0) {
            b.maxLength(maxLength);
        }
        if (normalize != null) {
            b.normalize(normalize);
        }
        return b.build();
    }

    /**
     * Loads the cross-encoder on the driver, so that a missing or broken model fails there with the
     * engine's error before any task is scheduled. In local mode the driver is the executor, so the
     * model stays for the tasks; on a cluster the driver's copy is dropped to spare its memory.
     * Returns the model's labels (one for a reranker), which decide the output columns.
     */
    List<String> checkCrossEncoder() {
        if (onCluster()) {
            try (CrossEncoder model = loadCrossEncoder()) {
                return model.config().labels();
            }
        }
        return crossEncoder().config().labels();
    }

    /**
     * As {@link #checkCrossEncoder}, for a sentence encoder, also checking that it has the prompt
     * of this name (null for none); returns its embedding size.
     */
    int checkSentenceEncoder(String prompt) {
        boolean cluster = onCluster();
        SentenceEncoder model = cluster ? loadSentenceEncoder() : sentenceEncoder();
        try {
            if (prompt != null) {
                model.encode(List.of(""), prompt); // names the model's prompts if it has no such one
            }
            return model.dimension();
        } finally {
            if (cluster) {
                model.close();
            }
        }
    }

    private static boolean onCluster() {
        return session().map(s -> !s.sparkContext().isLocal()).orElse(false);
    }

    /** This thread's SparkSession, else the application's default one, if any is running. */
    static Optional<SparkSession> session() {
        scala.Option<SparkSession> s = SparkSession.getActiveSession();
        if (s.isEmpty()) {
            s = SparkSession.getDefaultSession();
        }
        return s.isDefined() ? Optional.of(s.get()) : Optional.empty();
    }
}
