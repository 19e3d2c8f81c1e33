package dev.rerank.spark;

/**
 * Numbers a model computed that are not finite (a model with NaN weights) follow the rule the
 * command line and the server keep: the value is null and the row's {@code error} says why, in
 * the same words as their {@code "error"} field (Spark's JSON writer would otherwise write the
 * string "NaN", and a job would end as if all went well).
 */
final class NotFinite {
    /** The same text as the server's {@code ModelNumbers.NOT_FINITE}. */
    static final String ERROR = "the model's output is not a finite number (NaN or infinite): check its weights";

    private NotFinite() {}

    /** Whether any value of any row is NaN or infinite. */
    static boolean any(float[]... rows) {
        for (float[] row : rows) {
            for (float v : row) {
                if (!Float.isFinite(v)) {
                    return true;
                }
            }
        }
        return false;
    }
}
