package dev.rerank.tokenizer;

import java.util.Arrays;

/**
 * The result of encoding: token ids and, for reading and debugging, their vocabulary spellings.
 *
 * @param ids    the ids the model sees
 * @param tokens the same tokens as vocabulary strings ({@code Ġ} marks a leading space)
 */
public record Encoding(int[] ids, String[] tokens) {
    public int length() {
        return ids.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Encoding e && Arrays.equals(ids, e.ids) && Arrays.equals(tokens, e.tokens);
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
