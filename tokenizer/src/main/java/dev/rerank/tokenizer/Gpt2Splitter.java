package dev.rerank.tokenizer;

/**
 * Splits text into the words BPE is run on, exactly as GPT-2's pre-tokenization pattern does:
 *
 * <pre>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</pre>
 *
 * <p>Written by hand rather than with {@link java.util.regex} because the reference (Oniguruma in
 * the Rust tokenizers) gives {@code \s} the Unicode White_Space meaning — U+00A0, U+0085, U+3000
 * and friends are spaces, U+001C..U+001F and U+200B are not — which Java's regex flags cannot
 * reproduce exactly. The alternatives are tried in order at each position, as a regex engine would.
 */
final class Gpt2Splitter {
    private Gpt2Splitter() {}

    /** Receives each word as a [start, end) range of UTF-16 indices. */
    interface WordSink {
        void word(int start, int end);
    }

    /** Calls {@code sink} for every word of {@code text[from, to)}, in order. */
    static void split(String text, int from, int to, WordSink sink) {
        int i = from;
        while (i < to) {
            int end = matchAt(text, i, to);
            sink.word(i, end);
            i = end;
        }
    }

    private static int matchAt(String s, int i, int to) {
        int c = s.codePointAt(i);
        int next = i + Character.charCount(c);

        // 's 't 're 've 'm 'll 'd — lower case only, as in the pattern.
        if (c == '\'' && next < to) {
            char c1 = s.charAt(next);
            if (c1 == 's' || c1 == 't' || c1 == 'm' || c1 == 'd') {
                return next + 1;
            }
            if (next + 1 < to) {
                char c2 = s.charAt(next + 1);
                if ((c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e') || (c1 == 'l' && c2 == 'l')) {
                    return next + 2;
                }
            }
        }

        // An optional single ASCII space glued to the run that follows it.
        int runStart = i;
        int first = c;
        if (c == ' ' && next < to) {
            runStart = next;
            first = s.codePointAt(next);
        }
        if (isLetter(first)) {
            return skip(s, runStart, to, Kind.LETTER);
        }
        if (isNumber(first)) {
            return skip(s, runStart, to, Kind.NUMBER);
        }
        if (!isWhitespace(first)) {
            return skip(s, runStart, to, Kind.OTHER);
        }

        // Whitespace: \s+(?!\S) keeps the last space for the word after it, unless the run is
        // the end of the text; a single space before a word falls through to plain \s+.
        int end = skip(s, i, to, Kind.SPACE);
        if (end == to) {
            return end;
        }
        int lastSpace = s.offsetByCodePoints(end, -1);
        return lastSpace > i ? lastSpace : end;
    }

    private enum Kind { LETTER, NUMBER, OTHER, SPACE }

    private static int skip(String s, int i, int to, Kind kind) {
        while (i < to) {
            int c = s.codePointAt(i);
            boolean same = switch (kind) {
                case LETTER -> isLetter(c);
                case NUMBER -> isNumber(c);
                case SPACE -> isWhitespace(c);
                case OTHER -> !isLetter(c) && !isNumber(c) && !isWhitespace(c);
            };
            if (!same) {
                break;
            }
            i += Character.charCount(c);
        }
        return i;
    }

    /** \p{L}: general categories Lu, Ll, Lt, Lm, Lo. */
    static boolean isLetter(int c) {
        if (c < 0x80) {
            return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
        }
        return Character.isLetter(c);
    }

    /** \p{N}: general categories Nd, Nl, No. */
    static boolean isNumber(int c) {
        if (c < 0x80) {
            return c >= '0' && c <= '9';
        }
        int type = Character.getType(c);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER;
    }

    /** \s: the Unicode White_Space property (also what Rust's char::is_whitespace tests). */
    static boolean isWhitespace(int c) {
        if (c < 0x80) {
            return c == ' ' || (c >= 0x09 && c <= 0x0D);
        }
        return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A)
                || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
    }
}
