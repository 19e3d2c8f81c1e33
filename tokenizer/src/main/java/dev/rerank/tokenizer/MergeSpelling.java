package dev.rerank.tokenizer;

/**
 * One BPE merge as read from a file: the left symbol is {@code text[0, leftEnd)}, the right one
 * {@code text[rightStart, end)} — "a b" keeps its space between them, the array form ["a", "b"]
 * is stored joined. One string per merge, not three: a file has tens of thousands of them, and
 * they are garbage as soon as the merge table is built.
 */
record MergeSpelling(String text, int leftEnd, int rightStart) {
    /**
     * "a b" (exactly one space, neither side empty); {@code what} and {@code number} name it in
     * an error ("merge 7", "line 8"), joined only then: not one string per merge.
     */
    static MergeSpelling ofSpaced(String text, String where, String what, int number) {
        int space = text.indexOf(' ');
        if (space <= 0 || space == text.length() - 1 || text.indexOf(' ', space + 1) >= 0) {
            throw TokenizerFiles.malformed(where, what + " " + number + " is not two symbols separated by one space: '"
                    + text + "'");
        }
        return new MergeSpelling(text, space, space + 1);
    }

    /** ["a", "b"]. */
    static MergeSpelling ofPair(String left, String right) {
        return new MergeSpelling(left + right, left.length(), left.length());
    }

    String left() {
        return text.substring(0, leftEnd);
    }

    String right() {
        return text.substring(rightStart);
    }

    /** The id of the left symbol, the right one, and the two joined, in {@code vocab} (-1 where absent). */
    int leftId(TokenTable vocab) {
        return vocab.id(text, 0, leftEnd);
    }

    int rightId(TokenTable vocab) {
        return vocab.id(text, rightStart, text.length());
    }

    int mergedId(TokenTable vocab) {
        return vocab.id(text, 0, leftEnd, text, rightStart, text.length());
    }
}
