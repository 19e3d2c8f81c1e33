package dev.rerank.convert;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * A reader of the protobuf wire format over one byte array, for files nobody vouches for. Every
 * length is checked against the bytes left in the enclosing message before anything is read or
 * allocated, with exact arithmetic, so a corrupt or hostile file ends in a {@link CheckpointException}
 * naming the offset — never an out-of-bounds index, a huge allocation or a loop that does not end.
 * Each call advances by at least one byte, so reading a message always terminates.
 *
 * <p>Nested messages are read through {@link #message()}, a reader over the same array limited to
 * the field's bytes; the depth is capped so that a self-nesting schema cannot recurse without end.
 */
final class ProtoReader {
    /** Wire types of the protobuf encoding. */
    static final int VARINT = 0;
    static final int I64 = 1;
    static final int LEN = 2;
    static final int I32 = 5;

    /** ONNX nests model → graph → node → attribute → tensor; 32 leaves room and stops runaway recursion. */
    static final int MAX_DEPTH = 32;

    private final byte[] buf;
    private final String where;
    private final int limit;
    private final int depth;
    private int pos;
    private int lastTag;

    ProtoReader(byte[] buf, String where) {
        this(buf, where, 0, buf.length, 0);
    }

    private ProtoReader(byte[] buf, String where, int start, int limit, int depth) {
        this.buf = buf;
        this.where = where;
        this.pos = start;
        this.limit = limit;
        this.depth = depth;
    }

    boolean hasMore() {
        return pos < limit;
    }

    /** Offset of the next byte in the whole buffer (for error messages and for slices). */
    int position() {
        return pos;
    }

    /** Reads the next field key; returns its field number. {@link #wireType()} tells how to read the value. */
    int next() {
        int at = pos;
        long key = varint();
        int field = (int) (key >>> 3);
        if (key >>> 3 > 0x1FFF_FFFFL || field == 0) {
            throw error(at, "invalid field number " + (key >>> 3));
        }
        lastTag = (int) (key & 7);
        if (lastTag != VARINT && lastTag != I64 && lastTag != LEN && lastTag != I32) {
            // 3/4 are the deprecated groups, which ONNX never writes; 6/7 do not exist.
            throw error(at, "unsupported wire type " + lastTag + " for field " + field);
        }
        return field;
    }

    int wireType() {
        return lastTag;
    }

    /** A base-128 varint of at most 10 bytes (the 10th may hold only the top bit). */
    long varint() {
        long result = 0;
        int at = pos;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                throw error(at, "truncated varint");
            }
            int b = buf[pos++] & 0xFF;
            if (shift == 63 && b > 1) {
                throw error(at, "varint longer than 64 bits");
            }
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw error(at, "varint longer than 10 bytes");
    }

    long fixed64() {
        require(8);
        long v = ByteBuffer.wrap(buf, pos, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        pos += 8;
        return v;
    }

    int fixed32() {
        require(4);
        int v = ByteBuffer.wrap(buf, pos, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
        pos += 4;
        return v;
    }

    /** The length prefix of a LEN field, checked against the bytes left; {@link #position()} is then its first byte. */
    int length() {
        int at = pos;
        long n = varint();
        if (n < 0 || n > limit - pos) {
            throw error(at, "length " + Long.toUnsignedString(n) + " runs past the end of its message ("
                    + (limit - pos) + " bytes left)");
        }
        return (int) n;
    }

    /** The value of a LEN field as a reader over its bytes, one level deeper. */
    ProtoReader message() {
        requireWire(LEN);
        if (depth + 1 > MAX_DEPTH) {
            throw error(pos, "messages nested deeper than " + MAX_DEPTH + " levels");
        }
        int n = length();
        ProtoReader sub = new ProtoReader(buf, where, pos, pos + n, depth + 1);
        pos += n;
        return sub;
    }

    /** A reader over a slice this reader returned (a packed run), at the same depth. */
    ProtoReader over(Slice s) {
        return new ProtoReader(buf, where, s.offset(), s.offset() + s.length(), depth);
    }

    /** The value of a LEN field as a slice of the buffer, without copying: {@code [offset, offset + length)}. */
    Slice slice() {
        requireWire(LEN);
        int n = length();
        Slice s = new Slice(pos, n);
        pos += n;
        return s;
    }

    /** A UTF-8 string field; malformed UTF-8 is an error rather than silently replaced characters. */
    String string() {
        Slice s = slice();
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, s.offset(), s.length()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw error(s.offset(), "string field is not valid UTF-8");
        }
    }

    /** Skips the value of the field just read by {@link #next()}. */
    void skip() {
        switch (lastTag) {
            case VARINT -> varint();
            case I64 -> advance(8);
            case I32 -> advance(4);
            default -> {
                int n = length(); // not "pos += length()": that would add to pos as it was before the prefix
                pos += n;
            }
        }
    }

    /** Fails unless the field just read has the given wire type (the schema fixes it). */
    void requireWire(int wire) {
        if (lastTag != wire) {
            throw error(pos, "field has wire type " + lastTag + ", expected " + wire);
        }
    }

    byte[] buffer() {
        return buf;
    }

    CheckpointException error(int offset, String message) {
        return new CheckpointException(where + ": corrupt protobuf at byte " + offset + ": " + message);
    }

    private void advance(int n) {
        require(n);
        pos += n;
    }

    private void require(int n) {
        if (limit - pos < n) {
            throw error(pos, "truncated: needs " + n + " bytes, " + (limit - pos) + " left");
        }
    }

    /** A byte range of the buffer holding a field's value. */
    record Slice(int offset, int length) {}
}
