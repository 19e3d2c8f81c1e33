package dev.rerank.spark;

import dev.rerank.CrossEncoder;
import dev.rerank.CrossEncoder.Output;
import dev.rerank.CrossEncoder.Pair;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Ranks each row's documents against its query. Appends {@code ranked} ({@link Ranking#TYPE}, top k)
 * and {@code error}: null when ranked, else why not (a null query, document list or document, or a
 * score that is not a finite number), with
 * {@code ranked} null. The pairs of a whole chunk of rows go to the model together, so many short
 * document lists still make full batches.
 */
final class QueryRanker extends ChunkedPartition {
    private final ModelSettings settings;
    private final int query;
    private final int documents;
    private final String queryName;
    private final String documentsName;
    private final int topK;

    QueryRanker(ModelSettings settings, Execution execution, int query, int documents, String queryName,
                String documentsName, int topK) {
        super(execution.threadsPerTask(), execution.rowsPerCall());
        this.settings = settings;
        this.query = query;
        this.documents = documents;
        this.queryName = queryName;
        this.documentsName = documentsName;
        this.topK = topK;
    }

    static List<StructField> outputColumns() {
        return List.of(Columns.nullable("ranked", Ranking.TYPE), Columns.nullable("error", DataTypes.StringType));
    }

    @Override
    int inputs(Row row) {
        return row.isNullAt(documents) ? 1 : row.getList(documents).size();
    }

    @Override
    List<Object[]> process(List<Row> chunk, int threads) {
        List<Pair> pairs = new ArrayList<>();
        List<Object[]> out = new ArrayList<>(chunk.size());
        int[] counts = new int[chunk.size()];
        for (int r = 0; r < chunk.size(); r++) {
            Row row = chunk.get(r);
            String error = error(row);
            out.add(new Object[] {null, error});
            if (error == null) {
                List<String> docs = row.getList(documents);
                for (String d : docs) {
                    pairs.add(new Pair(row.getString(query), d));
                }
                counts[r] = docs.size();
            }
        }
        CrossEncoder model = settings.crossEncoder();
        // ACTIVATED rows of a 1-label model: [score], the numbers predict(pairs) and rank return.
        float[][] scores = TaskThreads.map(pairs, threads, slice -> model.predict(slice, Output.ACTIVATED));
        int from = 0;
        for (int r = 0; r < chunk.size(); r++) {
            if (out.get(r)[1] == null) {
                if (NotFinite.any(java.util.Arrays.copyOfRange(scores, from, from + counts[r]))) {
                    out.get(r)[1] = NotFinite.ERROR;
                } else {
                    out.get(r)[0] = Ranking.top(scores, from, counts[r], topK);
                }
                from += counts[r];
            }
        }
        return out;
    }

    private String error(Row row) {
        if (row.isNullAt(query)) {
            return Columns.isNull(queryName);
        }
        if (row.isNullAt(documents)) {
            return Columns.isNull(documentsName);
        }
        List<String> docs = row.getList(documents);
        int bad = docs.indexOf(null);
        return bad < 0 ? null : "column '" + documentsName + "' has a null document at index " + bad;
    }
}
