package dev.rerank.tokenizer;

/**
 * GPT-2's reversible map between the 256 byte values and 256 printable Unicode characters.
 *
 * <p>Byte-level BPE works on bytes, but its vocabulary is stored as text. Bytes that are already
 * printable (and not a space) stand for themselves; the other 68 are shifted to U+0100 and up, which
 * is why a leading space shows as {@code Ġ} (U+0120) in the vocabulary.
 */
final class ByteLevel {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + shifted++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {}

    /** The printable character that stands for one byte. */
    static char charOf(int unsignedByte) {
        return BYTE_TO_CHAR[unsignedByte];
    }

    /** The byte a vocabulary character stands for, or -1 if it is not a byte-level character. */
    static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** The vocabulary spelling of a run of UTF-8 bytes. */
    static String toVocabularyText(byte[] bytes, int from, int to) {
        char[] chars = new char[to - from];
        for (int i = from; i < to; i++) {
            chars[i - from] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(chars);
    }
}
