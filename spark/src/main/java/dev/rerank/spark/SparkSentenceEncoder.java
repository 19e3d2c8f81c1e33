package dev.rerank.spark;

import java.io.Serializable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A sentence-transformers embedding model for Spark DataFrames: embeds a text column on the
 * executors, one model per executor JVM, loaded there on first use and shared by the JVM's tasks.
 *
 * <pre>{@code
 * SparkSentenceEncoder model = SparkSentenceEncoder.builder("/models/all-MiniLM-L6-v2").build();
 * Dataset<Row> embedded = model.embed(corpus, "text");   // + embedding: array<float>, error
 * model.registerFunctions(spark);                          // SELECT embed(text) ...
 * }</pre>
 *
 * <p>Rows with a null text are not embedded: their {@code error} column says why and their
 * embedding is null. Long texts are cut to the model's max_seq_length, as the library cuts them.
 */
public final class SparkSentenceEncoder implements Serializable {
    private final ModelSettings settings;
    private final Execution execution;
    private final String prompt;
    private final int dimension;

    private SparkSentenceEncoder(ModelSettings settings, Execution execution, String prompt, int dimension) {
        this.settings = settings;
        this.execution = execution;
        this.prompt = prompt;
        this.dimension = dimension;
    }

    /** A model by directory, SparkFiles name or hub id, read as {@link ModelSource#of} reads it. */
    public static Builder builder(String model) {
        return new Builder(ModelSource.of(model));
    }

    public static Builder builder(ModelSource source) {
        return new Builder(source);
    }

    public static final class Builder extends EncoderBuilder<Builder> {
        private Boolean normalize;
        private String prompt;

        private Builder(ModelSource source) {
            super(source);
        }

        @Override
        Builder self() {
            return this;
        }

        /** Scale embeddings to unit length, or not, whatever the model directory says. */
        public Builder normalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        /** Put the model's prompt of this name before every text (default: the model's default prompt, if any). */
        public Builder prompt(String name) {
            this.prompt = name;
            return this;
        }

        /**
         * Loads the model here, on the driver, so that a missing or broken model (or an unknown
         * prompt) fails now with the engine's error, before any task runs.
         */
        public SparkSentenceEncoder build() {
            ModelSettings settings = new ModelSettings(source, batchSize, maxLength, normalize);
            int dimension = settings.checkSentenceEncoder(prompt);
            return new SparkSentenceEncoder(settings, execution(), prompt, dimension);
        }
    }

    /** The length of every embedding. */
    public int dimension() {
        return dimension;
    }

    /** The input with {@code embedding} (array of float, equal to the library's) and {@code error} appended. */
    public Dataset<Row> embed(Dataset<Row> texts, String text) {
        StructType in = texts.schema();
        int ti = Columns.strings(in, text);
        StructType out = Columns.append(in, TextEmbedder.outputColumns().toArray(StructField[]::new));
        return texts.mapPartitions(new TextEmbedder(settings, execution, ti, text, prompt), Encoders.row(out));
    }

    /** Registers {@code embed(text)} (array of float) with this model, for {@code spark.sql} and PySpark. */
    public void registerFunctions(SparkSession spark) {
        spark.udf().register("embed", new SqlFunctions.Embed(settings, prompt), Columns.FLOATS);
    }
}
