package dev.rerank.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProtoReaderTest {
    private static ProtoReader reader(byte[] b) {
        return new ProtoReader(b, "test.onnx");
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    private static void assertCorrupt(byte[] b, String expected, java.util.function.Consumer<ProtoReader> read) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> read.accept(reader(b)));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith("test.onnx: corrupt protobuf at byte "), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 127, 128, 300, Integer.MAX_VALUE, Long.MAX_VALUE, -1, Long.MIN_VALUE})
    void varintsRoundTrip(long v) {
        ProtoReader r = reader(new ProtoWriter().rawVarint(v).toByteArray());
        assertEquals(v, r.varint());
        assertFalse(r.hasMore());
    }

    @Test
    void varintsLongerThan64BitsAreErrors() {
        assertCorrupt(bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02), "longer than 64 bits", ProtoReader::varint);
        assertCorrupt(bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x81, 0x00), "longer than 64 bits",
                ProtoReader::varint);
        assertCorrupt(bytes(0x80, 0x80), "truncated varint", ProtoReader::varint);
    }

    @Test
    void lengthsPastTheEndAreErrorsEvenWhenHuge() {
        // Field 1, LEN, length 5 with 2 bytes left.
        assertCorrupt(bytes(0x0A, 0x05, 1, 2), "runs past the end", r -> {
            r.next();
            r.slice();
        });
        // A length of 2^63 (negative as a long) and of 2^32: no overflow into a small or negative length.
        byte[] huge = new ProtoWriter().key(1, ProtoReader.LEN).rawVarint(Long.MIN_VALUE).toByteArray();
        assertCorrupt(huge, "runs past the end", r -> {
            r.next();
            r.skip();
        });
        byte[] big = new ProtoWriter().key(1, ProtoReader.LEN).rawVarint(1L << 32).toByteArray();
        assertCorrupt(big, "runs past the end", r -> {
            r.next();
            r.message();
        });
    }

    @Test
    void aNestedMessageCannotReadPastItsOwnEnd() {
        // Outer field 1 holds 2 bytes: field 2 LEN with length 3, whose bytes lie outside the outer message.
        byte[] b = bytes(0x0A, 0x02, 0x12, 0x03, 7, 7, 7);
        assertCorrupt(b, "runs past the end", r -> {
            r.next();
            ProtoReader inner = r.message();
            inner.next();
            inner.slice();
        });
    }

    @Test
    void nestingIsCapped() {
        ProtoWriter w = new ProtoWriter().varint(1, 1);
        for (int i = 0; i < ProtoReader.MAX_DEPTH + 1; i++) {
            w = new ProtoWriter().message(1, w);
        }
        assertCorrupt(w.toByteArray(), "nested deeper than", r -> {
            ProtoReader cur = r;
            while (true) {
                cur.next();
                cur = cur.message();
            }
        });
    }

    @Test
    void groupsUnknownWireTypesAndFieldZeroAreErrors() {
        assertCorrupt(bytes(0x0B), "unsupported wire type 3", ProtoReader::next);
        assertCorrupt(bytes(0x0C), "unsupported wire type 4", ProtoReader::next);
        assertCorrupt(bytes(0x0E), "unsupported wire type 6", ProtoReader::next);
        assertCorrupt(bytes(0x02, 0x00), "invalid field number 0", ProtoReader::next);
    }

    @Test
    void truncatedFixedWidthValuesAreErrors() {
        assertCorrupt(bytes(0x0D, 1, 2), "truncated", r -> {
            r.next();
            r.skip();
        });
        assertCorrupt(bytes(0x09, 1, 2, 3, 4, 5, 6, 7), "truncated", r -> {
            r.next();
            r.fixed64();
        });
    }

    @Test
    void malformedUtf8IsAnError() {
        assertCorrupt(bytes(0x0A, 0x02, 0xC3, 0x28), "not valid UTF-8", r -> {
            r.next();
            r.string();
        });
    }

    @Test
    void aWrongWireTypeForAKnownFieldIsAnError() {
        assertCorrupt(new ProtoWriter().varint(7, 5).toByteArray(), "wire type 0, expected 2",
                r -> OnnxGraph.parse(new ProtoWriter().varint(7, 5).toByteArray(), "test.onnx"));
    }

    @Test
    void unknownFieldsOfEveryWireTypeAreSkipped() {
        byte[] b = new ProtoWriter().varint(3, 1L << 40).fixed32(4, 7).key(5, ProtoReader.I64).rawVarint(0)
                .toByteArray();
        // The I64 field needs 8 bytes: pad them, then a LEN field and a final varint.
        byte[] all = java.util.Arrays.copyOf(b, b.length + 7);
        all = concat(all, new ProtoWriter().string(6, "skip me").varint(9, 42).toByteArray());
        ProtoReader r = reader(all);
        int seen = 0;
        long last = -1;
        while (r.hasMore()) {
            int field = r.next();
            seen++;
            if (field == 9) {
                last = r.varint();
            } else {
                r.skip();
            }
        }
        assertEquals(5, seen);
        assertEquals(42, last);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
