package dev.rerank.tokenizer;

/**
 * A token matched in the raw text before any splitting, such as {@code <s>} or {@code <mask>}.
 *
 * @param lstrip      also swallow the whitespace on its left (why {@code "a <mask>"} has no space token)
 * @param rstrip      also swallow the whitespace on its right
 * @param singleWord  only match when not inside a word
 * @param normalized  matched on normalized text (with no normalizer: the same text, a later pass)
 */
record AddedToken(String content, int id, boolean special, boolean lstrip, boolean rstrip,
                  boolean singleWord, boolean normalized) {}
