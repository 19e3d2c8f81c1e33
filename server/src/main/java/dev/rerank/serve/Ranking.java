package dev.rerank.serve;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Ranking output shared by the rerank dialects: indices best first, and how a score that is not a
 * number is written: as {@link ModelNumbers} says ({@code null} with an {@code "error"} field
 * beside it), and it ranks last.
 */
final class Ranking {
    private Ranking() {}

    /** Indices sorted by score, best first; ties keep input order; NaN last. */
    static List<Integer> bestFirst(float[] scores) {
        List<Integer> order = new ArrayList<>(scores.length);
        for (int i = 0; i < scores.length; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> Float.isNaN(scores[i]) ? Double.NEGATIVE_INFINITY : scores[i])
                .reversed());
        return order;
    }

    /** Adds {@code field}: the score, or null plus {@code "error"} when it is not finite. */
    static void putScore(JsonObject o, String field, float score) {
        o.add(field, ModelNumbers.number(score));
        ModelNumbers.flagNotFinite(o, new float[] {score});
    }
}
