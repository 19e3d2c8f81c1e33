package dev.rerank.benchmarks;

import dev.rerank.CrossEncoder.Pair;
import dev.rerank.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/** Benchmark inputs of exact token lengths, made from ordinary English words. */
public final class Workloads {
    private static final String[] WORDS = ("the a man woman child dog is playing guitar riding horse eating "
            + "food in on with park street quickly slowly small large red blue music plays near").split(" ");

    private Workloads() {}

    /**
     * {@code count} pairs, each exactly {@code tokens} tokens long once framed by the tokenizer's
     * special tokens ({@code <s> a </s></s> b </s>} for RoBERTa, {@code [CLS] a [SEP] b [SEP]} for BERT).
     */
    public static List<Pair> pairs(Tokenizer tokenizer, int count, int tokens) {
        List<Pair> pairs = new ArrayList<>();
        int body = tokens - tokenizer.specialTokens(true);
        for (int p = 0; p < count; p++) {
            String a = words(tokenizer, body / 2, p);
            String b = words(tokenizer, body - body / 2, p + 7);
            int length = tokenizer.encodePair(a, b, Integer.MAX_VALUE, dev.rerank.tokenizer.Truncation.LONGEST_FIRST).length();
            if (length != tokens) {
                throw new IllegalStateException("workload pair has " + length + " tokens, wanted " + tokens);
            }
            pairs.add(new Pair(a, b));
        }
        return pairs;
    }

    /** A text of exactly n tokens, built word by word ("a" is one token in both vocabularies, so n is always reached). */
    private static String words(Tokenizer tokenizer, int n, int seed) {
        String text = "";
        for (int i = 0; tokenizer.encode(text).length() < n; i++) {
            String word = i > 4 * n ? "a" : WORDS[(seed * 31 + i * 7) % WORDS.length];
            String candidate = text.isEmpty() ? word : text + " " + word;
            if (tokenizer.encode(candidate).length() <= n) {
                text = candidate;
            }
        }
        return text;
    }
}
