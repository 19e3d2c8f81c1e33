package dev.rerank.tokenizer;

/**
 * Which end of a text truncation cuts, as Hugging Face tokenizers' {@code TruncationDirection}:
 * {@link #RIGHT} keeps the start of each text, {@link #LEFT} keeps its end. The number of tokens
 * each text keeps is the {@link Truncation} strategy's; the direction only picks which ones.
 */
public enum TruncationDirection {
    /** Cut from the end: the start of each text stays (the default everywhere). */
    RIGHT,
    /** Cut from the start: the end of each text stays. */
    LEFT;

    /** Parses {@code Right} or {@code Left}, in any case (TEI writes {@code Right}, some clients {@code right}). */
    public static TruncationDirection parse(String name) {
        for (TruncationDirection d : values()) {
            if (d.name().equalsIgnoreCase(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown truncation direction '" + name + "': use Left or Right");
    }

    /** The {@code keep} ids that stay: the first ones, or the last ones. */
    int[] keep(int[] ids, int keep) {
        int from = this == RIGHT ? 0 : ids.length - keep;
        return java.util.Arrays.copyOfRange(ids, from, from + keep);
    }
}
