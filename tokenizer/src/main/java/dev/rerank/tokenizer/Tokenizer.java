package dev.rerank.tokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A tokenizer that gives the same ids as Hugging Face tokenizers: byte-level BPE (GPT-2 / RoBERTa)
 * or WordPiece (BERT).
 *
 * <p>The kind-specific part turns text into ids ({@link ByteLevelBpe}, {@link BertWordPiece}); this
 * class frames one text or a pair with the special tokens of the post-processor
 * ({@code <s> A </s></s> B </s>}, {@code [CLS] A [SEP] B [SEP]}) and cuts them to a maximum length
 * with the library's truncation rules.
 *
 * <p>Instances are immutable apart from bounded internal caches, and safe to share between threads.
 */
public final class Tokenizer {
    private final TextEncoder encoder;
    private final PairTemplate template;
    private final TokenTable tokenById;
    private final boolean[] specialById;
    private final boolean emptySecondIsNoPair;
    private final int padId;
    private final int modelMaxLength;

    /**
     * @param tokenById          every id's spelling, added tokens included
     * @param emptySecondIsNoPair frame a pair with an empty second text as a single text (what
     *                           transformers does; the Rust library frames it as a pair)
     */
    Tokenizer(TextEncoder encoder, PairTemplate template, TokenTable tokenById, List<AddedToken> added,
              boolean emptySecondIsNoPair, int padId, int modelMaxLength) {
        this.encoder = encoder;
        this.template = template;
        this.tokenById = tokenById;
        this.specialById = new boolean[tokenById.size()];
        for (AddedToken t : added) {
            specialById[t.id()] = t.special();
        }
        this.emptySecondIsNoPair = emptySecondIsNoPair;
        this.padId = padId;
        this.modelMaxLength = modelMaxLength;
    }

    /**
     * Loads a tokenizer from a model directory ({@code tokenizer.json}; else {@code vocab.json} +
     * {@code merges.txt}, or {@code vocab.txt} + {@code tokenizer_config.json}) or from a
     * {@code tokenizer.json} file.
     *
     * @throws TokenizerException naming the file and the problem when it cannot be used
     */
    public static Tokenizer load(Path path) {
        return TokenizerLoader.load(path);
    }

    /** Token ids of {@code text} alone, without special tokens; type ids all 0. */
    public Encoding encode(String text) {
        int[] ids = encoder.ids(text);
        return withTokens(ids, new int[ids.length]);
    }

    /** {@code <s> text </s>} or {@code [CLS] text [SEP]}, cut to at most {@code maxLength} tokens. */
    public Encoding encodeSingle(String text, int maxLength) {
        return encodeSingle(text, maxLength, Truncation.LONGEST_FIRST, TruncationDirection.RIGHT);
    }

    /** The same, cut from the given end: {@link TruncationDirection#LEFT} keeps the text's last tokens. */
    public Encoding encodeSingle(String text, int maxLength, TruncationDirection direction) {
        return encodeSingle(text, maxLength, Truncation.LONGEST_FIRST, direction);
    }

    private Encoding encodeSingle(String text, int maxLength, Truncation strategy, TruncationDirection direction) {
        int specials = requireRoom(maxLength, false);
        int[] ids = encoder.ids(text);
        if (ids.length > maxLength - specials && strategy == Truncation.ONLY_SECOND) {
            throw new TokenizerException("truncation only_second: there is no second text to shorten");
        }
        int[] kept = direction.keep(ids, Math.min(ids.length, maxLength - specials));
        int[][] framed = template.frame(kept, kept.length);
        return withTokens(framed[0], framed[1]);
    }

    /** The pair framed by the post-processor, with the model's maximum length and longest-first truncation. */
    public Encoding encodePair(String a, String b) {
        return encodePair(a, b, modelMaxLength, Truncation.LONGEST_FIRST);
    }

    /**
     * {@code <s> a </s></s> b </s>} or {@code [CLS] a [SEP] b [SEP]}, cut to at most
     * {@code maxLength} tokens by {@code strategy}. An empty {@code b} gives {@code <s> a </s>}
     * with byte-level BPE (as transformers does) and {@code [CLS] a [SEP] [SEP]} with WordPiece
     * (as the Rust library does; the golden files of each follow those references).
     *
     * @throws TokenizerException when the request cannot be met (max_length below the special
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
        if (b.isEmpty() && emptySecondIsNoPair) {
            return encodeSingle(a, maxLength, strategy, direction);
        }
        int specials = requireRoom(maxLength, true);
        int[] first = encoder.ids(a);
        int[] second = encoder.ids(b);
        int[] keep = strategy.keep(first.length, second.length, maxLength - specials);
        int[] firstKept = direction.keep(first, keep[0]);
        int[] secondKept = direction.keep(second, keep[1]);
        int[][] framed = template.frame(firstKept, firstKept.length, secondKept, secondKept.length);
        return withTokens(framed[0], framed[1]);
    }

    /**
     * {@link #encodePair(String, String, int, Truncation, TruncationDirection)} of a first text
     * whose ids are already known ({@link #encode}{@code (a).ids()}): the same encoding, without
     * tokenizing {@code a} again, so a query ranked against many texts is tokenized once.
     */
    public Encoding encodePairWithFirstIds(int[] firstIds, String b, int maxLength, Truncation strategy,
                                           TruncationDirection direction) {
        if (b.isEmpty() && emptySecondIsNoPair) {
            int specials = requireRoom(maxLength, false);
            if (firstIds.length > maxLength - specials && strategy == Truncation.ONLY_SECOND) {
                throw new TokenizerException("truncation only_second: there is no second text to shorten");
            }
            int[] kept = direction.keep(firstIds, Math.min(firstIds.length, maxLength - specials));
            int[][] framed = template.frame(kept, kept.length);
            return withTokens(framed[0], framed[1]);
        }
        int specials = requireRoom(maxLength, true);
        int[] second = encoder.ids(b);
        int[] keep = strategy.keep(firstIds.length, second.length, maxLength - specials);
        int[] firstKept = direction.keep(firstIds, keep[0]);
        int[] secondKept = direction.keep(second, keep[1]);
        int[][] framed = template.frame(firstKept, firstKept.length, secondKept, secondKept.length);
        return withTokens(framed[0], framed[1]);
    }

    /** How many special tokens frame one text ({@code pair} false) or a pair: BPE 2 / 4, WordPiece 2 / 3. */
    public int specialTokens(boolean pair) {
        return template.specialTokens(pair);
    }

    /** "byte-level BPE" or "WordPiece". */
    public String kind() {
        return encoder.kind();
    }

    /**
     * Text of {@code ids}, as the tokenizer's decoder writes it: BPE bytes back to UTF-8 (a cut
     * character becomes U+FFFD); WordPiece tokens joined by spaces, {@code ##} pieces glued on.
     *
     * @throws TokenizerException for an id outside the vocabulary
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            if (!tokenById.has(id)) {
                throw new TokenizerException("cannot decode id " + id + ": not in the vocabulary of "
                        + tokenById.size() + " tokens");
            }
            if (!(skipSpecialTokens && specialById[id])) {
                tokens.add(tokenById.token(id));
            }
        }
        return encoder.decode(tokens.toArray(String[]::new));
    }

    /** The vocabulary spelling of one id, or null when no token has it. */
    public String token(int id) {
        return tokenById.token(id);
    }

    public int vocabularySize() {
        return tokenById.size();
    }

    /** The length the model was trained for ({@code model_max_length}), or Integer.MAX_VALUE if unknown. */
    public int modelMaxLength() {
        return modelMaxLength;
    }

    /** The token that opens every sequence: {@code <s>} or {@code [CLS]}. */
    public int clsId() {
        return template.firstSpecial();
    }

    /** The token that closes every text: {@code </s>} or {@code [SEP]}. */
    public int sepId() {
        return template.lastSpecial();
    }

    public int padId() {
        return padId;
    }

    private Encoding withTokens(int[] ids, int[] typeIds) {
        String[] tokens = new String[ids.length];
        for (int i = 0; i < ids.length; i++) {
            tokens[i] = tokenById.token(ids[i]);
        }
        return new Encoding(ids, typeIds, tokens);
    }

    /** The number of special tokens, once {@code maxLength} is known to leave room for them. */
    private int requireRoom(int maxLength, boolean pair) {
        int specials = template.specialTokens(pair);
        if (maxLength < specials) {
            throw new TokenizerException("max_length " + maxLength + " is too small: " + (pair ? "a pair" : "a single text")
                    + " needs " + specials + " special tokens");
        }
        return specials;
    }
}
