package dev.rerank.tokenizer;

/**
 * The character classes of BERT's normalizer and pre-tokenizer, exactly as Hugging Face's Rust
 * tokenizers define them.
 *
 * <p>The Rust code asks the {@code unicode_categories} crate (version 0.1.1, whose tables are
 * Unicode 8.0) whether a character is punctuation (P*), a control (Cc, Cf, Co) or a nonspacing mark
 * (Mn). The JDK knows a much newer Unicode, so Java's categories are corrected by the few ranges
 * whose category differs from Unicode 8.0's — mostly characters encoded since, which the reference
 * treats as ordinary letters. The ranges were found by comparing every code point's category in
 * JDK 25 (Unicode 16.0) with the crate's tables; {@code BertCharactersTest} checks they still
 * describe the running JDK.
 */
final class BertCharacters {
    private BertCharacters() {}

    /** Punctuation in the JDK, but not in Unicode 8.0: [first, last] pairs. */
    static final int[] PUNCTUATION_SINCE_8 = {
        0x061D, 0x061D, 0x09FD, 0x09FD, 0x0A76, 0x0A76, 0x0C77, 0x0C77, 0x0C84, 0x0C84, 0x1B4E, 0x1B4F,
        0x1B7D, 0x1B7F, 0x2E43, 0x2E4F, 0x2E52, 0x2E5D, 0x10D6E, 0x10D6E, 0x10EAD, 0x10EAD, 0x10F55, 0x10F59,
        0x10F86, 0x10F89, 0x113D4, 0x113D5, 0x113D7, 0x113D8, 0x1144B, 0x1144F, 0x1145A, 0x1145B,
        0x1145D, 0x1145D, 0x11660, 0x1166C, 0x116B9, 0x116B9, 0x1183B, 0x1183B, 0x11944, 0x11946,
        0x119E2, 0x119E2, 0x11A3F, 0x11A46, 0x11A9A, 0x11A9C, 0x11A9E, 0x11AA2, 0x11B00, 0x11B09,
        0x11BE1, 0x11BE1, 0x11C41, 0x11C45, 0x11C70, 0x11C71, 0x11EF7, 0x11EF8, 0x11F43, 0x11F4F,
        0x11FFF, 0x11FFF, 0x12FF1, 0x12FF2, 0x16D6D, 0x16D6F, 0x16E97, 0x16E9A, 0x16FE2, 0x16FE2,
        0x1E5FF, 0x1E5FF, 0x1E95E, 0x1E95F,
    };

    /** Punctuation (Po) in Unicode 8.0 that the JDK files elsewhere (So, Mn). */
    static final int[] PUNCTUATION_UNTIL_8 = {0x166D, 0x111C9};

    /** Nonspacing marks in the JDK, but not in Unicode 8.0: [first, last] pairs. */
    static final int[] NONSPACING_SINCE_8 = {
        0x07FD, 0x07FD, 0x0897, 0x089F, 0x08CA, 0x08E1, 0x09FE, 0x09FE, 0x0AFA, 0x0AFF, 0x0B55, 0x0B55,
        0x0C04, 0x0C04, 0x0C3C, 0x0C3C, 0x0D00, 0x0D00, 0x0D3B, 0x0D3C, 0x0D81, 0x0D81, 0x0EBA, 0x0EBA,
        0x0ECE, 0x0ECE, 0x180F, 0x180F, 0x1885, 0x1886, 0x1ABF, 0x1ACE, 0x1DF6, 0x1DFB, 0xA82C, 0xA82C,
        0xA8C5, 0xA8C5, 0xA8FF, 0xA8FF, 0xA9BD, 0xA9BD, 0x10D24, 0x10D27, 0x10D69, 0x10D6D, 0x10EAB, 0x10EAC,
        0x10EFC, 0x10EFF, 0x10F46, 0x10F50, 0x10F82, 0x10F85, 0x11070, 0x11070, 0x11073, 0x11074,
        0x110C2, 0x110C2, 0x111C9, 0x111C9, 0x111CF, 0x111CF, 0x1123E, 0x1123E, 0x11241, 0x11241,
        0x1133B, 0x1133B, 0x113BB, 0x113C0, 0x113CE, 0x113CE, 0x113D0, 0x113D0, 0x113D2, 0x113D2,
        0x113E1, 0x113E2, 0x11438, 0x1143F, 0x11442, 0x11444, 0x11446, 0x11446, 0x1145E, 0x1145E,
        0x1182F, 0x11837, 0x11839, 0x1183A, 0x1193B, 0x1193C, 0x1193E, 0x1193E, 0x11943, 0x11943,
        0x119D4, 0x119D7, 0x119DA, 0x119DB, 0x119E0, 0x119E0, 0x11A01, 0x11A0A, 0x11A33, 0x11A38,
        0x11A3B, 0x11A3E, 0x11A47, 0x11A47, 0x11A51, 0x11A56, 0x11A59, 0x11A5B, 0x11A8A, 0x11A96,
        0x11A98, 0x11A99, 0x11C30, 0x11C36, 0x11C38, 0x11C3D, 0x11C3F, 0x11C3F, 0x11C92, 0x11CA7,
        0x11CAA, 0x11CB0, 0x11CB2, 0x11CB3, 0x11CB5, 0x11CB6, 0x11D31, 0x11D36, 0x11D3A, 0x11D3A,
        0x11D3C, 0x11D3D, 0x11D3F, 0x11D45, 0x11D47, 0x11D47, 0x11D90, 0x11D91, 0x11D95, 0x11D95,
        0x11D97, 0x11D97, 0x11EF3, 0x11EF4, 0x11F00, 0x11F01, 0x11F36, 0x11F3A, 0x11F40, 0x11F40,
        0x11F42, 0x11F42, 0x11F5A, 0x11F5A, 0x13440, 0x13440, 0x13447, 0x13455, 0x1611E, 0x16129,
        0x1612D, 0x1612F, 0x16F4F, 0x16F4F, 0x16FE4, 0x16FE4, 0x1CF00, 0x1CF2D, 0x1CF30, 0x1CF46,
        0x1E000, 0x1E006, 0x1E008, 0x1E018, 0x1E01B, 0x1E021, 0x1E023, 0x1E024, 0x1E026, 0x1E02A,
        0x1E08F, 0x1E08F, 0x1E130, 0x1E136, 0x1E2AE, 0x1E2AE, 0x1E2EC, 0x1E2EF, 0x1E4EC, 0x1E4EF,
        0x1E5EE, 0x1E5EF, 0x1E944, 0x1E94A,
    };

    /** Nonspacing marks (Mn) in Unicode 8.0 that the JDK now calls spacing marks (Mc). */
    static final int[] NONSPACING_UNTIL_8 = {0x1734, 0x1171E};

    /** Format characters (Cf) in the JDK, but not in Unicode 8.0: [first, last] pairs. */
    static final int[] FORMAT_SINCE_8 = {0x0890, 0x0891, 0x08E2, 0x08E2, 0x110CD, 0x110CD, 0x13430, 0x1343F};

    /**
     * BERT's punctuation: ASCII 33-47, 58-64, 91-96 and 123-126 (which includes symbols such as
     * {@code $ + < = > ^ ` | ~}), plus every Unicode 8.0 punctuation category (Pc Pd Ps Pe Pi Pf Po).
     */
    static boolean isPunctuation(int c) {
        if (c < 0x80) {
            return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
        }
        if (c == PUNCTUATION_UNTIL_8[0] || c == PUNCTUATION_UNTIL_8[1]) {
            return true;
        }
        return isPunctuationCategory(Character.getType(c)) && !inRanges(PUNCTUATION_SINCE_8, c);
    }

    /**
     * What BERT's clean_text removes: Unicode 8.0's Cc, Cf and Co, except tab, newline and carriage
     * return, which count as whitespace. (Unassigned code points are kept.)
     */
    static boolean isControl(int c) {
        if (c == '\t' || c == '\n' || c == '\r') {
            return false;
        }
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.PRIVATE_USE
                || (type == Character.FORMAT && !inRanges(FORMAT_SINCE_8, c));
    }

    /** Unicode 8.0's Mn: what strip_accents drops after NFD. */
    static boolean isNonspacingMark(int c) {
        if (c < 0x300) {
            return false;
        }
        if (c == NONSPACING_UNTIL_8[0] || c == NONSPACING_UNTIL_8[1]) {
            return true;
        }
        return Character.getType(c) == Character.NON_SPACING_MARK && !inRanges(NONSPACING_SINCE_8, c);
    }

    /**
     * The CJK ideograph blocks BERT surrounds with spaces (so each becomes a word). Hangul, kana
     * and the like are not among them: those scripts separate words with spaces.
     */
    static boolean isChinese(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
    }

    static boolean isPunctuationCategory(int type) {
        return type == Character.CONNECTOR_PUNCTUATION || type == Character.DASH_PUNCTUATION
                || type == Character.START_PUNCTUATION || type == Character.END_PUNCTUATION
                || type == Character.INITIAL_QUOTE_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION
                || type == Character.OTHER_PUNCTUATION;
    }

    /** Whether {@code c} lies in one of the sorted [first, last] pairs of {@code ranges}. */
    static boolean inRanges(int[] ranges, int c) {
        if (c < ranges[0] || c > ranges[ranges.length - 1]) {
            return false;
        }
        int lo = 0;
        int hi = ranges.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (c < ranges[2 * mid]) {
                hi = mid - 1;
            } else if (c > ranges[2 * mid + 1]) {
                lo = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }
}
