package dev.rerank.spark;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A cross-encoder for Spark DataFrames: scores pairs and ranks documents on the executors, one model
 * per executor JVM, loaded there on first use and shared by the JVM's tasks.
 *
 * <pre>{@code
 * SparkCrossEncoder model = SparkCrossEncoder.builder("/models/reranker").build(); // loads and checks it here
 * Dataset<Row> scored = model.score(pairs, "a", "b");           // + score, error
 * Dataset<Row> ranked = model.rank(queries, "query", "docs", 10); // + ranked: [{index, score}], error
 * model.registerFunctions(spark);  // SELECT rerank_score(a, b), rerank_rank(q, docs, 10) ...
 * }</pre>
 *
 * <p>Rows with a null text are not scored: their {@code error} column says why and their scores are
 * null. Texts too long for the model are truncated exactly as {@code CrossEncoder.predict} does.
 */
public final class SparkCrossEncoder implements Serializable {
    private final ModelSettings settings;
    private final Execution execution;
    private final List<String> labels;

    private SparkCrossEncoder(ModelSettings settings, Execution execution, List<String> labels) {
        this.settings = settings;
        this.execution = execution;
        this.labels = List.copyOf(labels);
    }

    /** A model by directory, SparkFiles name or hub id, read as {@link ModelSource#of} reads it. */
    public static Builder builder(String model) {
        return new Builder(ModelSource.of(model));
    }

    public static Builder builder(ModelSource source) {
        return new Builder(source);
    }

    public static final class Builder extends EncoderBuilder<Builder> {
        private Builder(ModelSource source) {
            super(source);
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * Loads the model here, on the driver, so that a missing or broken model fails now with the
         * engine's error (a {@code ModelException} naming the problem), before any task runs.
         */
        public SparkCrossEncoder build() {
            ModelSettings settings = new ModelSettings(source, batchSize, maxLength, null);
            return new SparkCrossEncoder(settings, execution(), settings.checkCrossEncoder());
        }
    }

    /** The model's labels: one for a reranker (a {@code score} column), several for a classifier. */
    public List<String> labels() {
        return labels;
    }

    /** {@link #score(Dataset, String, String, boolean)} without the logits. */
    public Dataset<Row> score(Dataset<Row> pairs, String a, String b) {
        return score(pairs, a, b, false);
    }

    /**
     * The input with the pairs' scores appended: {@code score} (float) for a 1-label model, else
     * {@code probabilities} (array of float) and {@code label}, as the CLI's predict; the raw
     * {@code logits} (array of float) too when asked; and {@code error} (null when scored).
     */
    public Dataset<Row> score(Dataset<Row> pairs, String a, String b, boolean logits) {
        StructType in = pairs.schema();
        int ai = Columns.strings(in, a);
        int bi = Columns.strings(in, b);
        StructType out = Columns.append(in, PairScorer.outputColumns(labels, logits).toArray(StructField[]::new));
        return pairs.mapPartitions(new PairScorer(settings, execution, ai, bi, a, b, labels, logits), Encoders.row(out));
    }

    /**
     * The input with {@code ranked} appended: each row's documents (an array of strings) ranked
     * against its query, best first, at most {@code topK} (all when topK ≤ 0), as (index, score)
     * structs equal to {@code CrossEncoder.rank}'s; and {@code error} (null when ranked).
     */
    public Dataset<Row> rank(Dataset<Row> queries, String query, String documents, int topK) {
        requireOneLabel("rank");
        StructType in = queries.schema();
        int qi = Columns.strings(in, query);
        int di = Columns.stringArrays(in, documents);
        StructType out = Columns.append(in, QueryRanker.outputColumns().toArray(StructField[]::new));
        return queries.mapPartitions(new QueryRanker(settings, execution, qi, di, query, documents, topK), Encoders.row(out));
    }

    /**
     * Registers {@code rerank_score(a, b)} (float) and {@code rerank_rank(query, documents, k)}
     * (array of (index, score) structs) with this model, for {@code spark.sql} and PySpark.
     */
    public void registerFunctions(SparkSession spark) {
        requireOneLabel("rerank_score and rerank_rank");
        spark.udf().register("rerank_score", new SqlFunctions.Score(settings), DataTypes.FloatType);
        spark.udf().register("rerank_rank", new SqlFunctions.Rank(settings), Ranking.TYPE);
    }

    private void requireOneLabel(String what) {
        if (labels.size() != 1) {
            throw new IllegalStateException(what + " need a 1-label model (a reranker); this one has "
                    + labels.size() + " labels: use score(...), which gives probabilities and a label");
        }
    }
}
