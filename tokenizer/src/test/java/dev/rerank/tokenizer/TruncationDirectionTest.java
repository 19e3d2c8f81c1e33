package dev.rerank.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Left truncation keeps the end of each text: the same number of tokens per text as right
 * truncation keeps (Hugging Face computes the lengths first, then cuts each sequence from the
 * chosen side), taken from the other end.
 */
class TruncationDirectionTest {
    private static Tokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = Tokenizer.load(TestData.file("roberta-base-tokenizer"));
    }

    @Test
    void leftKeepsTheEndOfEachTextAndRightTheStart() {
        String a = "one two three four five six seven";
        String b = "alpha beta gamma delta epsilon zeta eta theta iota kappa";
        int[] first = tokenizer.encode(a).ids();
        int[] second = tokenizer.encode(b).ids();
        for (int max = 4; max <= first.length + second.length + 5; max++) {
            int[] right = tokenizer.encodePair(a, b, max, Truncation.LONGEST_FIRST, TruncationDirection.RIGHT).ids();
            int[] left = tokenizer.encodePair(a, b, max, Truncation.LONGEST_FIRST, TruncationDirection.LEFT).ids();
            assertArrayEquals(tokenizer.encodePair(a, b, max, Truncation.LONGEST_FIRST).ids(), right, "RIGHT is the default");
            assertEquals(right.length, left.length, "max " + max);
            // <s> A </s></s> B </s>: the first text ends where the two separators start.
            int keepA = indexOfDoubleSep(right) - 1;
            int keepB = right.length - keepA - 4;
            int[] want = concat(new int[] {tokenizer.clsId()}, Arrays.copyOfRange(first, first.length - keepA, first.length),
                    new int[] {tokenizer.sepId(), tokenizer.sepId()},
                    Arrays.copyOfRange(second, second.length - keepB, second.length), new int[] {tokenizer.sepId()});
            assertArrayEquals(want, left, "max " + max);
        }
    }

    @Test
    void leftOnASingleTextKeepsItsEnd() {
        int[] ids = tokenizer.encode("one two three four five").ids();
        int[] left = tokenizer.encodePair("one two three four five", "", 4, Truncation.LONGEST_FIRST, TruncationDirection.LEFT).ids();
        assertArrayEquals(new int[] {tokenizer.clsId(), ids[ids.length - 2], ids[ids.length - 1], tokenizer.sepId()}, left);
    }

    @Test
    void directionNamesParseInAnyCaseAndOthersAreNamedErrors() {
        assertEquals(TruncationDirection.LEFT, TruncationDirection.parse("Left"));
        assertEquals(TruncationDirection.RIGHT, TruncationDirection.parse("right"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TruncationDirection.parse("bogus"));
        assertEquals("unknown truncation direction 'bogus': use Left or Right", e.getMessage());
    }

    private static int indexOfDoubleSep(int[] ids) {
        for (int i = 1; i + 1 < ids.length; i++) {
            if (ids[i] == tokenizer.sepId() && ids[i + 1] == tokenizer.sepId()) {
                return i;
            }
        }
        throw new AssertionError("no </s></s> in " + Arrays.toString(ids));
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }
}
