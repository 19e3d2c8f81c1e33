package dev.rerank.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Cuts text into pieces that are either one added token or plain text for the model, following
 * the Hugging Face rules: leftmost-longest match, then the token's single-word, lstrip and rstrip
 * flags. The library runs two passes: tokens not marked {@code normalized} on the raw text, the
 * others on the plain pieces left over once normalized; one matcher is one pass.
 */
final class AddedTokenMatcher {
    /** A piece of text [start, end); {@code tokenId} is -1 for plain text. */
    record Piece(int start, int end, int tokenId) {}

    private final List<AddedToken> tokens;

    private AddedTokenMatcher(List<AddedToken> tokens) {
        Comparator<AddedToken> longestFirst = Comparator.comparingInt((AddedToken t) -> -t.content().length());
        this.tokens = tokens.stream().filter(t -> !t.content().isEmpty()).sorted(longestFirst).toList();
    }

    /** The pass over raw text: the tokens not marked {@code normalized}. */
    static AddedTokenMatcher rawPass(List<AddedToken> tokens) {
        return new AddedTokenMatcher(tokens.stream().filter(t -> !t.normalized()).toList());
    }

    /**
     * The pass over normalized text: the tokens marked {@code normalized}, each given here as it
     * reads after normalization.
     */
    static AddedTokenMatcher normalizedPass(List<AddedToken> tokens) {
        return new AddedTokenMatcher(tokens.stream().filter(AddedToken::normalized).toList());
    }

    /** The pieces of all of {@code text}. */
    List<Piece> split(String text) {
        return refine(text, List.of(new Piece(0, text.length(), -1)));
    }

    /** Splits the plain pieces of {@code pieces} further; token pieces stay as they are. */
    List<Piece> refine(String text, List<Piece> pieces) {
        if (tokens.isEmpty()) {
            return pieces;
        }
        List<Piece> out = new ArrayList<>();
        for (Piece piece : pieces) {
            if (piece.tokenId() >= 0) {
                out.add(piece);
            } else {
                splitText(text, piece.start(), piece.end(), tokens, out);
            }
        }
        return out;
    }

    private static void splitText(String text, int from, int to, List<AddedToken> tokens, List<Piece> out) {
        int emitted = from;
        int i = from;
        while (i < to) {
            AddedToken token = longestMatchAt(text, i, to, tokens);
            if (token == null) {
                i++;
                continue;
            }
            int start = i;
            int stop = i + token.content().length();
            i = stop;
            if (token.singleWord() && (endsWithWordChar(text, from, start) || startsWithWordChar(text, stop, to))) {
                continue;
            }
            if (token.lstrip()) {
                while (start > emitted && isSpaceBefore(text, start)) {
                    start = text.offsetByCodePoints(start, -1);
                }
            }
            if (token.rstrip()) {
                while (stop < to && Gpt2Splitter.isWhitespace(text.codePointAt(stop))) {
                    stop += Character.charCount(text.codePointAt(stop));
                }
                i = stop;
            }
            if (emitted < start) {
                out.add(new Piece(emitted, start, -1));
            }
            out.add(new Piece(start, stop, token.id()));
            emitted = stop;
        }
        if (emitted < to) {
            out.add(new Piece(emitted, to, -1));
        }
    }

    private static AddedToken longestMatchAt(String text, int i, int to, List<AddedToken> tokens) {
        for (AddedToken t : tokens) {
            String c = t.content();
            if (i + c.length() <= to && text.startsWith(c, i)) {
                return t;
            }
        }
        return null;
    }

    private static boolean isSpaceBefore(String text, int index) {
        return Gpt2Splitter.isWhitespace(text.codePointBefore(index));
    }

    private static boolean isWordChar(int c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static boolean endsWithWordChar(String text, int from, int index) {
        return index > from && isWordChar(text.codePointBefore(index));
    }

    private static boolean startsWithWordChar(String text, int index, int to) {
        return index < to && isWordChar(text.codePointAt(index));
    }
}
