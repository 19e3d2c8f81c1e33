package dev.rerank.tokenizer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A byte-level BPE tokenizer (GPT-2 / RoBERTa) that gives the same ids as Hugging Face tokenizers.
 *
 * <p>Text goes through four steps: added tokens such as {@code <s>} are cut out of the raw text;
 * the rest is split into words by GPT-2's pattern; each word's UTF-8 bytes become byte-level
 * symbols; BPE merges those into vocabulary ids. Pairs are then framed as
 * {@code <s> A </s></s> B </s>}, as RoBERTa was trained.
 *
 * <p>Instances are immutable apart from a bounded internal cache, and safe to share between threads.
 */
public final class Tokenizer {
    private final BytePairEncoder bpe;
    private final AddedTokenMatcher addedTokens;
    private final String[] tokenById;
    private final boolean[] specialById;
    private final boolean addPrefixSpace;
    private final boolean useRegex;
    private final int clsId;
    private final int sepId;
    private final int padId;
    private final int modelMaxLength;

    Tokenizer(BytePairEncoder bpe, List<AddedToken> added, String[] tokenById, boolean addPrefixSpace,
              boolean useRegex, int clsId, int sepId, int padId, int modelMaxLength) {
        this.bpe = bpe;
        this.addedTokens = new AddedTokenMatcher(added);
        this.tokenById = tokenById;
        this.specialById = new boolean[tokenById.length];
        for (AddedToken t : added) {
            specialById[t.id()] = t.special();
        }
        this.addPrefixSpace = addPrefixSpace;
        this.useRegex = useRegex;
        this.clsId = clsId;
        this.sepId = sepId;
        this.padId = padId;
        this.modelMaxLength = modelMaxLength;
    }

    /**
     * Loads a tokenizer from a model directory ({@code tokenizer.json}, or else {@code vocab.json} +
     * {@code merges.txt}) or from a {@code tokenizer.json} file.
     *
     * @throws TokenizerException naming the file and the problem when it cannot be used
     */
    public static Tokenizer load(Path path) {
        return TokenizerLoader.load(path);
    }

    /** Token ids of {@code text} alone, without {@code <s>} and {@code </s>}. */
    public Encoding encode(String text) {
        return withTokens(ids(text));
    }

    /** {@code <s> text </s>}, cut to at most {@code maxLength} tokens. */
    public Encoding encodeSingle(String text, int maxLength) {
        return encodeSingle(text, maxLength, Truncation.LONGEST_FIRST, TruncationDirection.RIGHT);
    }

    private Encoding encodeSingle(String text, int maxLength, Truncation strategy, TruncationDirection direction) {
        requireRoom(maxLength, 2, "a single text");
        int[] ids = ids(text);
        if (ids.length > maxLength - 2 && strategy == Truncation.ONLY_SECOND) {
            throw new TokenizerException("truncation only_second: there is no second text to shorten");
        }
        int keep = Math.min(ids.length, maxLength - 2);
        int[] out = new int[keep + 2];
        out[0] = clsId;
        System.arraycopy(ids, direction.from(ids.length, keep), out, 1, keep);
        out[keep + 1] = sepId;
        return withTokens(out);
    }

    /**
     * {@code <s> a </s></s> b </s>}, with the model's maximum length and longest-first truncation.
     * An empty {@code b} gives {@code <s> a </s>}, as transformers does.
     */
    public Encoding encodePair(String a, String b) {
        return encodePair(a, b, modelMaxLength, Truncation.LONGEST_FIRST);
    }

    /**
     * {@code <s> a </s></s> b </s>}, cut to at most {@code maxLength} tokens by {@code strategy}.
     *
     * @throws TokenizerException when the request cannot be met (max_length below the 4 special
     *         tokens, or an only_first/only_second text too short to give up enough tokens)
     */
    public Encoding encodePair(String a, String b, int maxLength, Truncation strategy) {
        return encodePair(a, b, maxLength, strategy, TruncationDirection.RIGHT);
    }

    /**
     * As {@link #encodePair(String, String, int, Truncation)}, cutting each text from the given
     * end: {@link TruncationDirection#LEFT} keeps the last tokens of each text (the same number
     * of them as RIGHT keeps of its first ones).
     */
    public Encoding encodePair(String a, String b, int maxLength, Truncation strategy, TruncationDirection direction) {
        if (b.isEmpty()) {
            // transformers treats an empty text_pair as no pair at all: <s> a </s>.
            return encodeSingle(a, maxLength, strategy, direction);
        }
        requireRoom(maxLength, 4, "a pair");
        int[] first = ids(a);
        int[] second = ids(b);
        int room = maxLength - 4;
        int[] keep = strategy.keep(first.length, second.length, room);
        int[] out = new int[keep[0] + keep[1] + 4];
        int k = 0;
        out[k++] = clsId;
        System.arraycopy(first, direction.from(first.length, keep[0]), out, k, keep[0]);
        k += keep[0];
        out[k++] = sepId;
        out[k++] = sepId;
        System.arraycopy(second, direction.from(second.length, keep[1]), out, k, keep[1]);
        k += keep[1];
        out[k] = sepId;
        return withTokens(out);
    }

    /** Text of {@code ids}; bytes that do not form valid UTF-8 (a cut character) become U+FFFD. */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        StringBuilder symbols = new StringBuilder();
        for (int id : ids) {
            if (id < 0 || id >= tokenById.length || tokenById[id] == null) {
                throw new TokenizerException("cannot decode id " + id + ": not in the vocabulary of "
                        + tokenById.length + " tokens");
            }
            if (!(skipSpecialTokens && specialById[id])) {
                symbols.append(tokenById[id]);
            }
        }
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

    /** The vocabulary spelling of one id. */
    public String token(int id) {
        return tokenById[id];
    }

    public int vocabularySize() {
        return tokenById.length;
    }

    /** The length the model was trained for ({@code model_max_length}), or Integer.MAX_VALUE if unknown. */
    public int modelMaxLength() {
        return modelMaxLength;
    }

    public int clsId() {
        return clsId;
    }

    public int sepId() {
        return sepId;
    }

    public int padId() {
        return padId;
    }

    private Encoding withTokens(int[] ids) {
        String[] tokens = new String[ids.length];
        for (int i = 0; i < ids.length; i++) {
            tokens[i] = tokenById[ids[i]];
        }
        return new Encoding(ids, tokens);
    }

    private static void requireRoom(int maxLength, int specialTokens, String what) {
        if (maxLength < specialTokens) {
            throw new TokenizerException("max_length " + maxLength + " is too small: " + what + " needs "
                    + specialTokens + " special tokens");
        }
    }

    /** Token ids of {@code text} without special tokens. */
    int[] ids(String text) {
        String clean = Utf16.replaceLoneSurrogates(text);
        IntList out = new IntList();
        // Room for 3 UTF-8 bytes per char, and for a prefix space.
        byte[] utf8 = new byte[clean.length() * 3 + 8];
        for (AddedTokenMatcher.Piece piece : addedTokens.split(clean)) {
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
