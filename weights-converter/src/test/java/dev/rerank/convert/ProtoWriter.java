package dev.rerank.convert;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Test helper: writes the protobuf wire format, so tests can build ONNX files (valid and not) by hand. */
final class ProtoWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    ProtoWriter rawVarint(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
        return this;
    }

    ProtoWriter key(int field, int wire) {
        return rawVarint(((long) field << 3) | wire);
    }

    ProtoWriter varint(int field, long v) {
        return key(field, ProtoReader.VARINT).rawVarint(v);
    }

    ProtoWriter fixed32(int field, int v) {
        key(field, ProtoReader.I32);
        for (int i = 0; i < 4; i++) {
            out.write(v >>> (8 * i));
        }
        return this;
    }

    ProtoWriter bytes(int field, byte[] b) {
        key(field, ProtoReader.LEN).rawVarint(b.length);
        out.writeBytes(b);
        return this;
    }

    ProtoWriter string(int field, String s) {
        return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    ProtoWriter message(int field, ProtoWriter m) {
        return bytes(field, m.toByteArray());
    }

    /** A packed repeated varint field. */
    ProtoWriter packed(int field, long... values) {
        ProtoWriter run = new ProtoWriter();
        for (long v : values) {
            run.rawVarint(v);
        }
        return bytes(field, run.toByteArray());
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
