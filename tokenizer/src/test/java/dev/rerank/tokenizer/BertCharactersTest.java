package dev.rerank.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * The Unicode 8.0 corrections in {@link BertCharacters} were derived on JDK 25; they only stay
 * right while the running JDK's categories are the ones they correct.
 */
class BertCharactersTest {
    @Test
    void correctionRangesStillDescribeTheRunningJdk() {
        checkRanges(BertCharacters.PUNCTUATION_SINCE_8, "punctuation", true, false, false, BertCharacters::isPunctuation);
        checkRanges(BertCharacters.NONSPACING_SINCE_8, "nonspacing mark", false, true, false, BertCharacters::isNonspacingMark);
        checkRanges(BertCharacters.FORMAT_SINCE_8, "format", false, false, true, BertCharacters::isControl);
        for (int c : BertCharacters.PUNCTUATION_UNTIL_8) {
            assertFalse(BertCharacters.isPunctuationCategory(Character.getType(c)), "U+" + Integer.toHexString(c));
            assertTrue(BertCharacters.isPunctuation(c));
        }
        for (int c : BertCharacters.NONSPACING_UNTIL_8) {
            assertEquals(Character.COMBINING_SPACING_MARK, Character.getType(c), "U+" + Integer.toHexString(c));
            assertTrue(BertCharacters.isNonspacingMark(c));
        }
    }

    private static void checkRanges(int[] ranges, String what, boolean punctuation, boolean mark, boolean format,
                                    IntPredicate corrected) {
        for (int i = 0; i < ranges.length; i += 2) {
            assertTrue(ranges[i] <= ranges[i + 1] && (i == 0 || ranges[i - 1] < ranges[i]), "sorted, disjoint ranges");
            for (int c = ranges[i]; c <= ranges[i + 1]; c++) {
                int type = Character.getType(c);
                String name = what + " U+" + Integer.toHexString(c);
                assertEquals(punctuation, BertCharacters.isPunctuationCategory(type), name);
                assertEquals(mark, type == Character.NON_SPACING_MARK, name);
                assertEquals(format, type == Character.FORMAT, name);
                // ... and the correction takes effect.
                assertFalse(corrected.test(c), name);
            }
        }
    }

    @Test
    void bertPunctuationIncludesAsciiSymbols() {
        for (char c : "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".toCharArray()) {
            assertTrue(BertCharacters.isPunctuation(c), String.valueOf(c));
        }
        assertTrue(BertCharacters.isPunctuation('¿'));
        assertTrue(BertCharacters.isPunctuation('、'));
        assertFalse(BertCharacters.isPunctuation('€'), "a currency symbol outside ASCII is not punctuation");
        assertFalse(BertCharacters.isPunctuation('a'));
    }

    @Test
    void controlsExceptTabNewlineCarriageReturn() {
        assertTrue(BertCharacters.isControl(0x01));
        assertTrue(BertCharacters.isControl(0x0B), "vertical tab is a control, dropped rather than a space");
        assertTrue(BertCharacters.isControl(0x85));
        assertTrue(BertCharacters.isControl(0x200B), "zero-width space is Cf");
        assertTrue(BertCharacters.isControl(0xE000), "private use");
        assertFalse(BertCharacters.isControl('\t'));
        assertFalse(BertCharacters.isControl('\n'));
        assertFalse(BertCharacters.isControl('\r'));
        assertFalse(BertCharacters.isControl(0x0378), "unassigned code points are kept");
    }

    @Test
    void chineseBlocksOnly() {
        assertTrue(BertCharacters.isChinese('中'));
        assertTrue(BertCharacters.isChinese(0x20000));
        assertTrue(BertCharacters.isChinese(0xF900));
        assertFalse(BertCharacters.isChinese('の'), "kana");
        assertFalse(BertCharacters.isChinese('한'), "hangul");
        assertFalse(BertCharacters.isChinese(0x2B820), "between two extension blocks");
    }
}
