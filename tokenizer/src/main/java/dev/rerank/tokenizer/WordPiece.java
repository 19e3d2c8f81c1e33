package dev.rerank.tokenizer;

import java.util.HashMap;
import java.util.Map;

/**
 * The WordPiece model: a word becomes its longest vocabulary prefix, then the longest
 * continuation piece ({@code ##...}) of what is left, and so on. A word with no complete cover,
 * or longer than {@code maxInputCharsPerWord} characters, becomes the unknown token as a whole.
 */
final class WordPiece {
    private final Map<String, Integer> starts;
    private final Map<String, Integer> continuations;
    private final int unkId;
    private final int maxInputCharsPerWord;

    /**
     * @param vocab                  token to id, continuation pieces spelled with {@code prefix}
     * @param prefix                 what marks a continuation piece, usually {@code ##}
     */
    WordPiece(Map<String, Integer> vocab, int unkId, String prefix, int maxInputCharsPerWord) {
        this.starts = vocab;
        this.unkId = unkId;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
        // Continuations are looked up without their prefix, so no prefixed string is built per try.
        this.continuations = new HashMap<>();
        vocab.forEach((token, id) -> {
            if (token.startsWith(prefix)) {
                continuations.put(token.substring(prefix.length()), id);
            }
        });
    }

    /** Appends the ids of {@code text[start, end)}, one pre-tokenized word. */
    void encodeWord(String text, int start, int end, IntList out) {
        if (text.codePointCount(start, end) > maxInputCharsPerWord) {
            out.add(unkId);
            return;
        }
        int mark = out.size();
        int from = start;
        while (from < end) {
            int to = end;
            Integer id = null;
            while (from < to) {
                String piece = text.substring(from, to);
                id = from == start ? starts.get(piece) : continuations.get(piece);
                if (id != null) {
                    break;
                }
                to = text.offsetByCodePoints(to, -1);
            }
            if (id == null) {
                out.truncate(mark);
                out.add(unkId);
                return;
            }
            out.add(id);
            from = to;
        }
    }
}
