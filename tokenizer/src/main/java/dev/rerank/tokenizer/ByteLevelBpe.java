package dev.rerank.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * GPT-2 / RoBERTa text encoding: added tokens such as {@code <s>} are cut out of the raw text;
 * the rest is split into words by GPT-2's pattern; each word's UTF-8 bytes become byte-level
 * symbols, which BPE merges into vocabulary ids.
 */
final class ByteLevelBpe implements TextEncoder {
    private final BytePairEncoder bpe;
    private final AddedTokenMatcher rawTokens;
    private final AddedTokenMatcher normalizedTokens;
    private final boolean addPrefixSpace;
    private final boolean useRegex;

    ByteLevelBpe(BytePairEncoder bpe, List<AddedToken> added, boolean addPrefixSpace, boolean useRegex) {
        this.bpe = bpe;
        // With no normalizer, "normalized" tokens are matched on the same text, in a second pass.
        this.rawTokens = AddedTokenMatcher.rawPass(added);
        this.normalizedTokens = AddedTokenMatcher.normalizedPass(added);
        this.addPrefixSpace = addPrefixSpace;
        this.useRegex = useRegex;
    }

    /**
     * Builds the merge table from {@code merges} (in rank order) and checks that every merge names
     * vocabulary symbols.
     *
     * @throws TokenizerException naming {@code where} and the first bad merge
     */
    static ByteLevelBpe create(TokenTable vocab, List<MergeSpelling> merges, List<AddedToken> added,
                               boolean addPrefixSpace, boolean useRegex, boolean ignoreMerges, String where) {
        MergeTable table = new MergeTable(merges.size());
        for (int rank = 0; rank < merges.size(); rank++) {
            MergeSpelling m = merges.get(rank);
            int left = m.leftId(vocab);
            int right = m.rightId(vocab);
            int merged = m.mergedId(vocab);
            if (left < 0 || right < 0 || merged < 0) {
                String unknown = left < 0 ? m.left() : right < 0 ? m.right() : m.left() + m.right();
                throw TokenizerFiles.malformed(where, "merge " + rank + " (" + m.left() + " " + m.right() + ") names '"
                        + unknown + "', which is not in the vocabulary");
            }
            table.put(left, right, rank, merged);
        }
        try {
            return new ByteLevelBpe(new BytePairEncoder(vocab, table, ignoreMerges), added, addPrefixSpace, useRegex);
        } catch (IllegalArgumentException e) {
            throw TokenizerFiles.malformed(where, e.getMessage());
        }
    }

    @Override
    public String kind() {
        return "byte-level BPE";
    }

    @Override
    public int[] ids(String text) {
        String clean = Utf16.replaceLoneSurrogates(text);
        IntList out = new IntList();
        // Room for 3 UTF-8 bytes per char, and for a prefix space.
        byte[] utf8 = new byte[clean.length() * 3 + 8];
        for (AddedTokenMatcher.Piece piece : normalizedTokens.refine(clean, rawTokens.split(clean))) {
            if (piece.tokenId() >= 0) {
                out.add(piece.tokenId());
            } else if (addPrefixSpace && clean.charAt(piece.start()) != ' ') {
                String spaced = " " + clean.substring(piece.start(), piece.end());
                encodeWords(spaced, 0, spaced.length(), utf8, out);
            } else {
                encodeWords(clean, piece.start(), piece.end(), utf8, out);
            }
        }
        return out.toArray();
    }

    /** Byte-level symbols back to bytes, then UTF-8; bytes that do not form valid UTF-8 become U+FFFD. */
    @Override
    public String decode(String[] tokens) {
        String symbols = String.join("", tokens);
        byte[] bytes = new byte[symbols.length() * 4];
        int n = 0;
        for (int i = 0; i < symbols.length(); i++) {
            char c = symbols.charAt(i);
            int b = ByteLevel.byteOf(c);
            if (b >= 0) {
                bytes[n++] = (byte) b;
            } else {
                // A character outside the byte alphabet (an added token's text) stands for itself.
                int cp = Character.codePointAt(symbols, i);
                byte[] raw = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                System.arraycopy(raw, 0, bytes, n, raw.length);
                n += raw.length;
                i += Character.charCount(cp) - 1;
            }
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    private void encodeWords(String text, int from, int to, byte[] utf8, IntList out) {
        if (!useRegex) {
            encodeWord(text, from, to, utf8, out);
            return;
        }
        Gpt2Splitter.split(text, from, to, (start, end) -> encodeWord(text, start, end, utf8, out));
    }

    private void encodeWord(String text, int start, int end, byte[] utf8, IntList out) {
        int length = Utf16.encodeUtf8(text, start, end, utf8);
        bpe.encode(text.substring(start, end), utf8, length, out);
    }
}
