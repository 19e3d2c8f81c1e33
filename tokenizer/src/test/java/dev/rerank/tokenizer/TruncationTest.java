package dev.rerank.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/**
 * longest_first with an odd room, the case the golden files barely cover. Expected ids come from
 * Hugging Face's Rust tokenizers (DJL 0.38.0) on the same tokenizer.json files; the differential
 * test in benchmarks/ compares thousands more.
 */
class TruncationTest {
    @Test
    void theLongerTextGetsTheOddTokenAndTheSecondOnTies() {
        assertArrayEquals(new int[] {2, 1}, Truncation.LONGEST_FIRST.keep(5, 2, 3));
        assertArrayEquals(new int[] {1, 2}, Truncation.LONGEST_FIRST.keep(2, 5, 3));
        assertArrayEquals(new int[] {10, 9}, Truncation.LONGEST_FIRST.keep(52, 31, 19));
        assertArrayEquals(new int[] {9, 10}, Truncation.LONGEST_FIRST.keep(31, 52, 19));
        assertArrayEquals(new int[] {2, 3}, Truncation.LONGEST_FIRST.keep(3, 3, 5));
        assertArrayEquals(new int[] {2, 2}, Truncation.LONGEST_FIRST.keep(3, 3, 4));
        // The shorter text fits in half the room: it stays whole.
        assertArrayEquals(new int[] {7, 2}, Truncation.LONGEST_FIRST.keep(20, 2, 9));
        assertArrayEquals(new int[] {2, 7}, Truncation.LONGEST_FIRST.keep(2, 20, 9));
        assertArrayEquals(new int[] {0, 0}, Truncation.LONGEST_FIRST.keep(2, 20, 0));
    }

    @Test
    void byteLevelBpeOddRooms() {
        Tokenizer roberta = Tokenizer.load(TestData.file("roberta-base-tokenizer/tokenizer.json"));
        assertIds(roberta, "one two three four five", "six seven", 7, 0, 1264, 80, 2, 2, 13664, 2);
        assertIds(roberta, "six seven", "one two three four five", 7, 0, 13664, 2, 2, 1264, 80, 2);
        assertIds(roberta, "one two three", "four five six", 7, 0, 1264, 2, 2, 10231, 292, 2);
        assertIds(roberta, "one two three four five", "six seven", 9, 0, 1264, 80, 130, 2, 2, 13664, 707, 2);
    }

    @Test
    void wordPieceOddRoomsWithTypeIds() {
        Tokenizer bert = Tokenizer.load(TestData.file("bert-base-uncased-tokenizer/tokenizer.json"));
        Encoding e = assertIds(bert, "one two three four five", "six seven", 6, 101, 2028, 2048, 102, 2416, 102);
        assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1}, e.typeIds());
        e = assertIds(bert, "six seven", "one two three four five", 6, 101, 2416, 102, 2028, 2048, 102);
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1}, e.typeIds());
        assertIds(bert, "one two three", "four five six", 6, 101, 2028, 102, 2176, 2274, 102);
        assertIds(bert, "one two three", "four five six", 8, 101, 2028, 2048, 102, 2176, 2274, 2416, 102);
    }

    private static Encoding assertIds(Tokenizer t, String a, String b, int maxLength, int... want) {
        Encoding e = t.encodePair(a, b, maxLength, Truncation.LONGEST_FIRST);
        assertArrayEquals(want, e.ids(), a + " / " + b + " max_length " + maxLength);
        return e;
    }
}
