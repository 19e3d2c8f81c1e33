package dev.rerank.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.rerank.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Differential fuzzing against the reference implementation: the Rust Hugging Face tokenizers
 * (through DJL's JNI binding) load the same tokenizer.json, and random strings drawn from mixed
 * scripts, emoji, combining marks, every kind of whitespace, digits, punctuation, special-token
 * fragments and contractions must give identical ids. Bounded: a fixed seed and count.
 */
class TokenizerDifferentialTest {
    private static final int STRINGS = 20_000;
    private static final String[] PIECES = {
        // words, contractions and their near misses
        "the", "The", "THE", "don't", "I'm", "you're", "they've", "we'll", "she'd", "it's", "'s", "'t", "'re", "'ve",
        "'m", "'ll", "'d", "'S", "'LL", "''", "'", "rock'n'roll",
        // special tokens and fragments of them
        "<s>", "</s>", "<pad>", "<unk>", "<mask>", "<mask", "mask>", "<s", "s>", "</", "<>", "< mask >",
        // digits and punctuation
        "0", "12", "345", "6789", "3.14", "1,000", "½", "²", "٣", "Ⅻ", "!", "?", "...", "--", "(", ")", "@", "#", "$",
        "%", "&", "*", "_", "-", "+", "=", "/", "\\", "|", "~", "`", "^", "[", "]", "{", "}", ";", ":", "\"", ",", ".",
        // scripts
        "naïve", "café", "résumé", "Ελληνικά", "Русский", "日本語", "テキスト", "中文", "한국어", "العربية", "עברית",
        "हिन्दी", "ไทย", "ქართული", "Ꭰ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "ﬁ", "Ｆｕｌｌ",
        // combining marks and emoji
        "e\u0301", "a\u0308", "\u0301", "\u20dd", "😀", "👍🏽", "👨\u200d👩\u200d👧", "🇫🇷", "❤️", "\u200d", "\ufe0f",
        // whitespace of every kind
        " ", "  ", "\t", "\n", "\r\n", "\u000b", "\u000c", "\u0085", "\u00a0", "\u1680", "\u2000", "\u2009", "\u200a",
        "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\u200b", "\u001c", "\u001f", "\u0000", "\u0007", "\ufeff",
    };

    @Test
    void randomStringsGiveTheSameIdsAsTheRustTokenizers() throws IOException {
        Path json = SyntheticModel.testdata().resolve("roberta-base-tokenizer/tokenizer.json");
        Tokenizer ours = Tokenizer.load(json);
        SplittableRandom random = new SplittableRandom(20261127);
        List<String> mismatches = new ArrayList<>();
        try (HuggingFaceTokenizer reference = HuggingFaceTokenizer.newInstance(json, Map.of("addSpecialTokens", "false"))) {
            // The reference is alive and agrees with the golden file on a known string.
            assertEquals(List.of(31414L, 6L, 232L, 328L, 1336L, 18L, 24L, 164L, 116L),
                    Arrays.stream(reference.encode("Hello, world! How's it going?", false, false).getIds()).boxed().toList());
            for (int n = 0; n < STRINGS; n++) {
                String text = randomText(random);
                long[] want = reference.encode(text, false, false).getIds();
                int[] got = ours.encode(text).ids();
                if (!Arrays.equals(want, Arrays.stream(got).asLongStream().toArray()) && mismatches.size() < 10) {
                    mismatches.add(escape(text) + " -> ours " + Arrays.toString(got) + " reference " + Arrays.toString(want));
                }
            }
        }
        System.out.println("tokenizer differential test: compared " + STRINGS + " random strings with the Rust tokenizers");
        assertEquals(List.of(), mismatches);
    }

    /**
     * Pairs framed as {@code <s> a </s></s> b </s>}, untruncated. Truncated pairs are not compared
     * here: when both texts must be cut, the Rust library bundled with DJL gives the odd token to the
     * longer text, while the reference stack of the golden file (transformers 5.17, tokenizers
     * 0.23.2) gives it to the second one; the golden file wins, and TokenizerGoldenTest checks it.
     */
    @Test
    void randomPairsGiveTheSameIdsAsTheRustTokenizers() throws IOException {
        Path json = SyntheticModel.testdata().resolve("roberta-base-tokenizer/tokenizer.json");
        Tokenizer ours = Tokenizer.load(json);
        SplittableRandom random = new SplittableRandom(7);
        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        try (HuggingFaceTokenizer reference = HuggingFaceTokenizer.newInstance(json, Map.of())) {
            for (int n = 0; n < 5_000; n++) {
                String a = randomText(random);
                String b = randomText(random) + "x"; // never empty: transformers treats an empty pair as no pair
                long[] want = reference.encode(a, b, true, false).getIds();
                int[] got = ours.encodePair(a, b, 512, dev.rerank.tokenizer.Truncation.LONGEST_FIRST).ids();
                compared++;
                if (!Arrays.equals(want, Arrays.stream(got).asLongStream().toArray()) && mismatches.size() < 10) {
                    mismatches.add(escape(a) + " / " + escape(b) + " -> ours " + Arrays.toString(got)
                            + " reference " + Arrays.toString(want));
                }
            }
        }
        System.out.println("tokenizer differential test: compared " + compared + " random pairs with the Rust tokenizers");
        assertEquals(List.of(), mismatches);
    }

    private static String randomText(SplittableRandom random) {
        StringBuilder b = new StringBuilder();
        int parts = 1 + random.nextInt(12);
        for (int i = 0; i < parts; i++) {
            if (random.nextInt(4) == 0) {
                // A random code point from the BMP or beyond (not a surrogate).
                int cp;
                do {
                    cp = random.nextInt(4) == 0 ? random.nextInt(0x10000, 0x1FAFF) : random.nextInt(0x20, 0x3000);
                } while (Character.isSurrogate((char) cp) || !Character.isDefined(cp));
                b.appendCodePoint(cp);
            } else {
                b.append(PIECES[random.nextInt(PIECES.length)]);
            }
            if (random.nextInt(3) == 0) {
                b.append(' ');
            }
        }
        return b.toString();
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp > 0x7e) {
                b.append(String.format("\\u{%x}", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.append('"').toString();
    }
}
