package dev.rerank.tokenizer;

import java.util.Arrays;

/**
 * The result of encoding: token ids, their type ids and, for reading and debugging, their
 * vocabulary spellings.
 *
 * @param ids     the ids the model sees
 * @param typeIds the segment of each position (BERT: 0 for {@code [CLS] A [SEP]}, 1 for
 *                {@code B [SEP]}; RoBERTa: all 0); as long as {@code ids}
 * @param tokens  the same tokens as vocabulary strings ({@code Ġ} marks a leading space in BPE,
 *                {@code ##} a word continuation in WordPiece)
 */
public record Encoding(int[] ids, int[] typeIds, String[] tokens) {
    public Encoding {
        if (typeIds.length != ids.length || tokens.length != ids.length) {
            throw new IllegalArgumentException("ids, typeIds and tokens differ in length: " + ids.length + ", "
                    + typeIds.length + ", " + tokens.length);
        }
    }

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
        return 31 * Arrays.hashCode(ids) + Arrays.hashCode(typeIds);
    }

    @Override
    public String toString() {
        return "Encoding" + Arrays.toString(tokens) + " types " + Arrays.toString(typeIds);
    }
}
