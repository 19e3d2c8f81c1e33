package dev.rerank.tokenizer;

/**
 * The WordPiece model: a word becomes its longest vocabulary prefix, then the longest
 * continuation piece ({@code ##...}) of what is left, and so on. A word with no complete cover,
 * or longer than {@code maxInputCharsPerWord} characters, becomes the unknown token as a whole.
 */
final class WordPiece {
    private final TokenTable vocab;
    private final String prefix;
    private final int unkId;
    private final int maxInputCharsPerWord;

    /**
     * @param vocab                  token to id, continuation pieces spelled with {@code prefix}
     * @param prefix                 what marks a continuation piece, usually {@code ##}
     */
    WordPiece(TokenTable vocab, int unkId, String prefix, int maxInputCharsPerWord) {
        this.vocab = vocab;
        this.prefix = prefix;
        this.unkId = unkId;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
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
            int id = -1;
            while (from < to) {
                // Looked up in place (a continuation with its prefix joined on): no string per try.
                id = from == start ? vocab.id(text, from, to) : vocab.id(prefix, 0, prefix.length(), text, from, to);
                if (id >= 0) {
                    break;
                }
                to = text.offsetByCodePoints(to, -1);
            }
            if (id < 0) {
                out.truncate(mark);
                out.add(unkId);
                return;
            }
            out.add(id);
            from = to;
        }
    }
}
