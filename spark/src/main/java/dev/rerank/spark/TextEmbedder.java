package dev.rerank.spark;

import dev.rerank.SentenceEncoder;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Embeds each row's text. Appends {@code embedding} ({@code array<float>}) and {@code error}: null
 * when embedded, else why not (a null text, or values that are not finite numbers), with {@code embedding} null.
 */
final class TextEmbedder extends ChunkedPartition {
    private final ModelSettings settings;
    private final int text;
    private final String textName;
    private final String prompt;

    /** @param prompt the name of one of the model's prompts, or null for its default */
    TextEmbedder(ModelSettings settings, Execution execution, int text, String textName, String prompt) {
        super(execution.threadsPerTask(), execution.rowsPerCall());
        this.settings = settings;
        this.text = text;
        this.textName = textName;
        this.prompt = prompt;
    }

    static List<StructField> outputColumns() {
        return List.of(Columns.nullable("embedding", Columns.FLOATS), Columns.nullable("error", DataTypes.StringType));
    }

    @Override
    List<Object[]> process(List<Row> chunk, int threads) {
        List<String> texts = new ArrayList<>(chunk.size());
        List<Object[]> out = new ArrayList<>(chunk.size());
        for (Row row : chunk) {
            boolean missing = row.isNullAt(text);
            out.add(new Object[] {null, missing ? Columns.isNull(textName) : null});
            if (!missing) {
                texts.add(row.getString(text));
            }
        }
        SentenceEncoder model = settings.sentenceEncoder();
        float[][] embeddings = TaskThreads.map(texts, threads, slice -> embed(model, slice, prompt));
        int next = 0;
        for (Object[] values : out) {
            if (values[1] == null) {
                float[] e = embeddings[next++];
                if (NotFinite.any(e)) {
                    values[1] = NotFinite.ERROR;
                } else {
                    values[0] = e;
                }
            }
        }
        return out;
    }

    static float[][] embed(SentenceEncoder model, List<String> texts, String prompt) {
        return prompt == null ? model.encode(texts) : model.encode(texts, prompt);
    }
}
