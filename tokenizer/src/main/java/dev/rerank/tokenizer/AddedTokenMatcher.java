package dev.rerank.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Cuts raw text into pieces that are either one added token or plain text for BPE, following the
 * Hugging Face rules: leftmost-longest match, then the token's single-word, lstrip and rstrip flags.
 * Tokens not matched on normalized text go first, the others on the pieces left over.
 */
final class AddedTokenMatcher {
    /** A piece of text [start, end); {@code tokenId} is -1 for plain text. */
    record Piece(int start, int end, int tokenId) {}

    private final List<AddedToken> rawPass;
    private final List<AddedToken> normalizedPass;

    AddedTokenMatcher(List<AddedToken> tokens) {
        Comparator<AddedToken> longestFirst = Comparator.comparingInt((AddedToken t) -> -t.content().length());
        rawPass = tokens.stream().filter(t -> !t.normalized() && !t.content().isEmpty()).sorted(longestFirst).toList();
        normalizedPass = tokens.stream().filter(t -> t.normalized() && !t.content().isEmpty()).sorted(longestFirst).toList();
    }

    List<Piece> split(String text) {
        List<Piece> pieces = List.of(new Piece(0, text.length(), -1));
        pieces = splitPieces(text, pieces, rawPass);
        return splitPieces(text, pieces, normalizedPass);
    }

    private static List<Piece> splitPieces(String text, List<Piece> pieces, List<AddedToken> tokens) {
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
