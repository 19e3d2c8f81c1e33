package dev.rerank.tokenizer;

import java.text.Normalizer;

/**
 * BERT's text normalization, in the reference's order: clean the text (drop NUL, U+FFFD and
 * control characters, turn every whitespace character into a space), put spaces around CJK
 * ideographs, strip accents (NFD, then drop nonspacing marks), lowercase.
 *
 * @param cleanText          drop controls and unify whitespace
 * @param handleChineseChars make each CJK ideograph a word of its own
 * @param stripAccents       NFD and drop nonspacing marks (when unset, files say: as lowercase)
 * @param lowercase          lowercase each character on its own (no final-sigma rule, as Rust)
 */
record BertNormalizer(boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase) {

    String normalize(String text) {
        String s = text;
        if (cleanText || handleChineseChars) {
            s = cleanAndSpace(s);
        }
        if (stripAccents) {
            s = stripAccents(s);
        }
        if (lowercase) {
            s = lowercase(s);
        }
        return s;
    }

    private String cleanAndSpace(String text) {
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (cleanText) {
                // Controls are dropped before whitespace is unified: U+000B, U+000C and U+0085 are
                // controls, so they vanish rather than becoming spaces.
                if (c == 0 || c == 0xFFFD || BertCharacters.isControl(c)) {
                    continue;
                }
                if (Gpt2Splitter.isWhitespace(c)) {
                    c = ' ';
                }
            }
            if (handleChineseChars && BertCharacters.isChinese(c)) {
                b.append(' ').appendCodePoint(c).append(' ');
            } else {
                b.appendCodePoint(c);
            }
        }
        return b.toString();
    }

    private static String stripAccents(String text) {
        String nfd = Normalizer.normalize(text, Normalizer.Form.NFD);
        StringBuilder b = new StringBuilder(nfd.length());
        for (int i = 0; i < nfd.length(); ) {
            int c = nfd.codePointAt(i);
            i += Character.charCount(c);
            if (!BertCharacters.isNonspacingMark(c)) {
                b.appendCodePoint(c);
            }
        }
        return b.toString();
    }

    private static String lowercase(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (c == 0x130) {
                // İ is the one character whose full lowercase (Rust's char::to_lowercase) is two
                // characters, i + combining dot; Java's per-character mapping gives plain i.
                b.append("i\u0307");
            } else {
                b.appendCodePoint(Character.toLowerCase(c));
            }
        }
        return b.toString();
    }
}
