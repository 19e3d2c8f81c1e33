package dev.rerank.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * BERT text encoding: added tokens not marked {@code normalized} (BERT's [CLS], [SEP], ...) are
 * cut out of the raw text; each remaining piece is normalized, the {@code normalized} added tokens
 * are cut out of that, and the rest is split into words (whitespace and punctuation) for WordPiece.
 */
final class BertWordPiece implements TextEncoder {
    private final BertNormalizer normalizer;
    private final WordPiece wordPiece;
    private final AddedTokenMatcher rawTokens;
    private final AddedTokenMatcher normalizedTokens;
    private final String continuingPrefix;
    private final boolean decodeCleanup;

    /**
     * @param normalizer       null for none
     * @param continuingPrefix the decoder's prefix to glue to the previous token, or null to join
     *                         every token with a space (no decoder)
     * @param decodeCleanup    whether the decoder removes the spaces tokenization put before
     *                         punctuation and in contractions
     */
    BertWordPiece(BertNormalizer normalizer, WordPiece wordPiece, List<AddedToken> added,
                  String continuingPrefix, boolean decodeCleanup) {
        this.normalizer = normalizer;
        this.wordPiece = wordPiece;
        this.rawTokens = AddedTokenMatcher.rawPass(added);
        // The library matches a normalized token by its normalized spelling.
        List<AddedToken> normalizedSpelling = new ArrayList<>();
        for (AddedToken t : added) {
            if (t.normalized()) {
                normalizedSpelling.add(new AddedToken(normalize(t.content()), t.id(), t.special(), t.lstrip(),
                        t.rstrip(), t.singleWord(), true));
            }
        }
        this.normalizedTokens = AddedTokenMatcher.normalizedPass(normalizedSpelling);
        this.continuingPrefix = continuingPrefix;
        this.decodeCleanup = decodeCleanup;
    }

    @Override
    public String kind() {
        return "WordPiece";
    }

    @Override
    public int[] ids(String text) {
        String clean = Utf16.replaceLoneSurrogates(text);
        IntList out = new IntList();
        for (AddedTokenMatcher.Piece raw : rawTokens.split(clean)) {
            if (raw.tokenId() >= 0) {
                out.add(raw.tokenId());
                continue;
            }
            String normalized = normalize(clean.substring(raw.start(), raw.end()));
            for (AddedTokenMatcher.Piece piece : normalizedTokens.split(normalized)) {
                if (piece.tokenId() >= 0) {
                    out.add(piece.tokenId());
                } else {
                    String words = normalized.substring(piece.start(), piece.end());
                    BertPreTokenizer.split(words, (start, end) -> wordPiece.encodeWord(words, start, end, out));
                }
            }
        }
        return out.toArray();
    }

    /**
     * The WordPiece decoder: tokens joined by spaces, a continuation glued to the token before it
     * without its prefix; with cleanup, " ." becomes "." and so on, token by token.
     */
    @Override
    public String decode(String[] tokens) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            if (continuingPrefix == null) {
                b.append(i == 0 ? "" : " ").append(token);
                continue;
            }
            if (i > 0) {
                token = token.startsWith(continuingPrefix) ? token.substring(continuingPrefix.length()) : " " + token;
            }
            b.append(decodeCleanup ? cleanup(token) : token);
        }
        return b.toString();
    }

    private static String cleanup(String token) {
        return token.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
                .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m").replace(" do not", " don't")
                .replace(" 's", "'s").replace(" 've", "'ve").replace(" 're", "'re");
    }

    private String normalize(String text) {
        return normalizer == null ? text : normalizer.normalize(text);
    }
}
