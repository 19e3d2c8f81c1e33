package dev.rerank.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Tokenizer#encodePairWithFirstIds} (a query tokenized once, ranked against many texts)
 * gives exactly {@link Tokenizer#encodePair}'s encoding for every max length, strategy and
 * direction, on both tokenizer kinds, the empty second text included.
 */
class PairWithFirstIdsTest {
    private static final List<String> TEXTS = List.of("", "a", "A man is playing a guitar on stage.",
            "one two three four five six seven eight nine ten eleven twelve thirteen", "  spaces  and\ttabs\n");

    @Test
    void sameEncodingAsTokenizingBothTexts() {
        for (String dir : List.of("roberta-base-tokenizer", "bert-base-uncased-tokenizer")) {
            Tokenizer t = Tokenizer.load(TestData.file(dir));
            int checked = 0;
            for (String a : TEXTS) {
                int[] ids = t.encode(a).ids();
                for (String b : TEXTS) {
                    for (int max = t.specialTokens(true); max <= 40; max++) {
                        for (Truncation strategy : Truncation.values()) {
                            for (TruncationDirection direction : TruncationDirection.values()) {
                                Encoding want;
                                try {
                                    want = t.encodePair(a, b, max, strategy, direction);
                                } catch (TokenizerException e) {
                                    int m = max;
                                    TokenizerException got = assertThrows(TokenizerException.class,
                                            () -> t.encodePairWithFirstIds(ids, b, m, strategy, direction));
                                    assertEquals(e.getMessage(), got.getMessage());
                                    continue;
                                }
                                assertEquals(want, t.encodePairWithFirstIds(ids, b, max, strategy, direction),
                                        dir + " '" + a + "' / '" + b + "' max " + max + " " + strategy + " " + direction);
                                checked++;
                            }
                        }
                    }
                }
            }
            assertEquals(true, checked > 1000, dir + ": " + checked);
        }
    }
}
