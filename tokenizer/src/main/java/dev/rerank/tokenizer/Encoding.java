package dev.rerank.tokenizer;

import java.util.Arrays;

/**
 * The result of encoding: token ids and, for reading and debugging, their vocabulary spellings.
 *
 * @param ids    the ids the model sees
 * @param typeIds the token type of each id (0 for the first text, 1 for the second; all 0 for RoBERTa)
 * @param tokens the same tokens as vocabulary strings ({@code Ġ} marks a leading space)
 */
public record Encoding(int[] ids, int[] typeIds, String[] tokens) {
    public int length() {
        return ids.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Encoding e && Arrays.equals(ids, e.ids) && Arrays.equals(typeIds, e.typeIds)
                && Arrays.equals(tokens, e.tokens);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
        return "Encoding" + Arrays.toString(tokens);
    }
}
