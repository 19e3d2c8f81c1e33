package dev.rerank.tokenizer;

/**
 * What differs between tokenizer kinds: how text becomes ids (added tokens, normalization,
 * splitting into words, the subword model) and how vocabulary tokens become text again. The
 * framing with special tokens, truncation and the public API are shared ({@link Tokenizer}).
 */
interface TextEncoder {
    /** The ids of {@code text}, without the special tokens of the pair template. */
    int[] ids(String text);

    /** The text of consecutive vocabulary tokens, as the kind's decoder writes it. */
    String decode(String[] tokens);

    /** A short name for messages and {@code rerank info}: "byte-level BPE", "WordPiece". */
    String kind();
}
