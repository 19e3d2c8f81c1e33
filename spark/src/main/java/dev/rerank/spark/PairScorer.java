package dev.rerank.spark;

import dev.rerank.CrossEncoder;
import dev.rerank.CrossEncoder.Output;
import dev.rerank.CrossEncoder.Pair;
import dev.rerank.model.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Scores the (a, b) pairs of a partition. Appends {@code score} (a 1-label model) or
 * {@code probabilities} and {@code label} (an N-label model, as the CLI's predict), then
 * {@code logits} when asked, then {@code error}: null when the row was scored, else why not (a null
 * text, or a model output that is not a finite number), with the other new columns null.
 */
final class PairScorer extends ChunkedPartition {
    private final ModelSettings settings;
    private final int a;
    private final int b;
    private final String aName;
    private final String bName;
    private final List<String> labels;
    private final boolean logits;

    PairScorer(ModelSettings settings, Execution execution, int a, int b, String aName, String bName,
               List<String> labels, boolean logits) {
        super(execution.threadsPerTask(), execution.rowsPerCall());
        this.settings = settings;
        this.a = a;
        this.b = b;
        this.aName = aName;
        this.bName = bName;
        this.labels = List.copyOf(labels);
        this.logits = logits;
    }

    /** The columns this appends, for a model with these labels. */
    static List<StructField> outputColumns(List<String> labels, boolean logits) {
        List<StructField> out = new ArrayList<>();
        if (labels.size() == 1) {
            out.add(Columns.nullable("score", DataTypes.FloatType));
        } else {
            out.add(Columns.nullable("probabilities", Columns.FLOATS));
            out.add(Columns.nullable("label", DataTypes.StringType));
        }
        if (logits) {
            out.add(Columns.nullable("logits", Columns.FLOATS));
        }
        out.add(Columns.nullable("error", DataTypes.StringType));
        return out;
    }

    @Override
    List<Object[]> process(List<Row> chunk, int threads) {
        int width = (labels.size() == 1 ? 1 : 2) + (logits ? 1 : 0) + 1;
        List<Object[]> out = new ArrayList<>(chunk.size());
        List<Pair> pairs = new ArrayList<>(chunk.size());
        for (Row row : chunk) {
            Object[] values = new Object[width];
            String error = row.isNullAt(a) && row.isNullAt(b) ? "columns '" + aName + "' and '" + bName + "' are null"
                    : row.isNullAt(a) ? Columns.isNull(aName)
                    : row.isNullAt(b) ? Columns.isNull(bName) : null;
            if (error == null) {
                pairs.add(new Pair(row.getString(a), row.getString(b)));
            } else {
                values[width - 1] = error;
            }
            out.add(values);
        }
        CrossEncoder model = settings.crossEncoder();
        float[][] raw = TaskThreads.map(pairs, threads, slice -> model.predict(slice, Output.LOGITS));
        boolean single = labels.size() == 1;
        float[][] scores = model.transform(raw, single ? Output.ACTIVATED : Output.PROBABILITIES);
        int next = 0;
        for (Object[] values : out) {
            if (values[width - 1] != null) {
                continue;
            }
            int i = next++;
            if (NotFinite.any(scores[i], raw[i])) {
                values[width - 1] = NotFinite.ERROR;
                continue;
            }
            int col = 0;
            if (single) {
                values[col++] = scores[i][0];
            } else {
                values[col++] = scores[i];
                values[col++] = ModelConfig.labelOf(labels, scores[i]);
            }
            if (logits) {
                values[col] = raw[i];
            }
        }
        return out;
    }
}
