package dev.rerank.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** A query's documents in order of score, as {@code CrossEncoder.rank} orders them, as Spark rows. */
final class Ranking {
    /** {@code array<struct<index: int, score: float>>}, best first. */
    static final DataType TYPE = DataTypes.createArrayType(DataTypes.createStructType(List.of(
            DataTypes.createStructField("index", DataTypes.IntegerType, false),
            DataTypes.createStructField("score", DataTypes.FloatType, false))), false);

    private record Entry(int index, float score) {}

    private Ranking() {}

    /**
     * The documents whose scores are {@code scores[from, from + count)[0]}, best first, at most
     * {@code topK} (all when topK ≤ 0). The same stable sort on the same comparator as the
     * library's rank, so ties keep input order and the result equals it.
     */
    static Row[] top(float[][] scores, int from, int count, int topK) {
        List<Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            entries.add(new Entry(i, scores[from + i][0]));
        }
        entries.sort(Comparator.comparingDouble((Entry e) -> e.score()).reversed());
        int keep = topK > 0 ? Math.min(topK, count) : count;
        // An array, not a List: Spark takes arrays and Scala Seqs as array values, not Java Lists.
        Row[] rows = new Row[keep];
        for (int k = 0; k < keep; k++) {
            rows[k] = RowFactory.create(entries.get(k).index(), entries.get(k).score());
        }
        return rows;
    }
}
