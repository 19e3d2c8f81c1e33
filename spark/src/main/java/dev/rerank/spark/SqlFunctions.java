package dev.rerank.spark;

import dev.rerank.CrossEncoder.Output;
import dev.rerank.CrossEncoder.Pair;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF3;
import scala.collection.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The SQL functions, for {@code spark.sql} and PySpark: {@code rerank_score(a, b)},
 * {@code rerank_rank(query, documents, k)} and {@code embed(text)}. Spark calls them a row at a
 * time, so each call is one engine call (the model is still the JVM's shared one); the DataFrame
 * methods, which hand the engine whole chunks, are the faster way to process big tables. A null
 * input gives a null result: a SQL function has no error column.
 */
final class SqlFunctions {
    private SqlFunctions() {}

    /** rerank_score(a, b): the score of one pair (1-label models). */
    record Score(ModelSettings settings) implements UDF2<String, String, Float> {
        @Override
        public Float call(String a, String b) {
            return a == null || b == null ? null : settings.crossEncoder().predict(List.of(new Pair(a, b)))[0];
        }
    }

    /** rerank_rank(query, documents, k): the top k documents as (index, score) structs, best first; k ≤ 0 for all. */
    record Rank(ModelSettings settings) implements UDF3<String, Seq<String>, Integer, Row[]> {
        @Override
        public Row[] call(String query, Seq<String> documents, Integer k) {
            if (query == null || documents == null) {
                return null;
            }
            List<String> docs = CollectionConverters.asJava(documents);
            if (docs.contains(null)) {
                return null;
            }
            List<Pair> pairs = new ArrayList<>(docs.size());
            for (String d : docs) {
                pairs.add(new Pair(query, d));
            }
            float[][] scores = settings.crossEncoder().predict(pairs, Output.ACTIVATED);
            return Ranking.top(scores, 0, scores.length, k == null ? 0 : k);
        }
    }

    /** embed(text): the text's embedding. */
    record Embed(ModelSettings settings, String prompt) implements UDF1<String, float[]> {
        @Override
        public float[] call(String text) {
            return text == null ? null : TextEmbedder.embed(settings.sentenceEncoder(), List.of(text), prompt)[0];
        }
    }
}
