package dev.rerank.tokenizer;

/**
 * BERT's pre-tokenizer: split on whitespace (dropped), then make every punctuation character a
 * word of its own. Runs on normalized text.
 */
final class BertPreTokenizer {
    private BertPreTokenizer() {}

    /** Receives each word as a range [start, end) of the text. */
    interface WordSink {
        void word(int start, int end);
    }

    static void split(String text, WordSink sink) {
        int wordStart = -1;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            int next = i + Character.charCount(c);
            boolean space = Gpt2Splitter.isWhitespace(c);
            if (space || BertCharacters.isPunctuation(c)) {
                if (wordStart >= 0) {
                    sink.word(wordStart, i);
                    wordStart = -1;
                }
                if (!space) {
                    sink.word(i, next);
                }
            } else if (wordStart < 0) {
                wordStart = i;
            }
            i = next;
        }
        if (wordStart >= 0) {
            sink.word(wordStart, text.length());
        }
    }
}
