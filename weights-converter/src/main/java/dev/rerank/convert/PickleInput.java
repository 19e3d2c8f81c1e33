package dev.rerank.convert;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * The pickle's bytes as the decoder reads them: fixed-width fields, length-prefixed strings and
 * text lines, each checked against the end of the data before anything is allocated, so a
 * corrupt length is an error naming the byte rather than a huge allocation or a wild read.
 */
final class PickleInput {
    /** Longest integer accepted (LONG1/LONG4 bytes, or digits / 2 of a text LONG); torch's magic number is 10. */
    static final int MAX_INT_BYTES = 256;

    private final byte[] data;
    private final String source;
    private int pos;

    PickleInput(byte[] data, int start, String source) {
        this.data = data;
        this.pos = start;
        this.source = source;
    }

    int position() {
        return pos;
    }

    int u8() {
        need(1);
        return data[pos++] & 0xFF;
    }

    int i32() {
        need(4);
        int v = (data[pos] & 0xFF) | (data[pos + 1] & 0xFF) << 8 | (data[pos + 2] & 0xFF) << 16 | (data[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    long i64() {
        long lo = i32() & 0xFFFFFFFFL;
        long hi = i32() & 0xFFFFFFFFL;
        return lo | hi << 32;
    }

    void skip(int n) {
        need(n);
        pos += n;
    }

    /** A length field, checked against what is left before anything is allocated. */
    int length(long n, int at) {
        if (n < 0 || n > data.length - pos) {
            throw bad(at, "a length of " + n + " bytes runs past the end of the data (truncated or corrupt)");
        }
        return (int) n;
    }

    /** LONG1/LONG4: an {@code n}-byte little-endian two's complement integer. */
    Object littleEndianInt(long n, int at) {
        if (n > MAX_INT_BYTES) {
            throw bad(at, "an integer of " + n + " bytes; at most " + MAX_INT_BYTES + " are accepted");
        }
        return longOf(bytes(length(n, at), at));
    }

    byte[] bytes(int n, int at) {
        length(n, at);
        byte[] out = new byte[n];
        System.arraycopy(data, pos, out, 0, n);
        pos += n;
        return out;
    }

    String utf8(int n, int at) {
        return new String(bytes(n, at), StandardCharsets.UTF_8);
    }

    String line(int at) {
        int end = pos;
        while (end < data.length && data[end] != '\n') {
            end++;
        }
        if (end >= data.length) {
            throw bad(at, "unterminated text line");
        }
        String s = new String(data, pos, end - pos, StandardCharsets.UTF_8);
        pos = end + 1;
        return s;
    }

    Object parseIntLine(int at) {
        String s = line(at);
        return switch (s) {
            case "00" -> Boolean.FALSE;
            case "01" -> Boolean.TRUE;
            default -> {
                try {
                    yield Long.parseLong(s);
                } catch (NumberFormatException e) {
                    throw bad(at, "bad INT " + PickleValues.describe(s));
                }
            }
        };
    }

    Object parseLongLine(int at) {
        String s = line(at);
        if (s.length() > 2 * MAX_INT_BYTES) {
            throw bad(at, "an integer of " + s.length() + " digits; at most " + 2 * MAX_INT_BYTES + " are accepted");
        }
        try {
            return longOf(new BigInteger(s.endsWith("L") ? s.substring(0, s.length() - 1) : s));
        } catch (NumberFormatException e) {
            throw bad(at, "bad LONG " + PickleValues.describe(s));
        }
    }

    /** Little-endian two's complement, as LONG1/LONG4 store it. */
    private static Object longOf(byte[] le) {
        if (le.length == 0) {
            return 0L;
        }
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        return longOf(new BigInteger(be));
    }

    private static Object longOf(BigInteger v) {
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    void need(int n) {
        if (pos + n > data.length) {
            throw new CheckpointException(source + ": pickle data ends early at byte " + pos + " (truncated file?)");
        }
    }

    CheckpointException bad(int at, String what) {
        return new CheckpointException(source + ": corrupt pickle at byte " + at + ": " + what);
    }
}
