package dev.rerank.convert;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes pickle opcodes one by one, so a test can state a hostile pickle as the short program it
 * is (Python's pickle would refuse to write most of them). Protocol 2 opcodes, memo indices as
 * LONG_BINPUT/LONG_BINGET.
 */
final class PickleWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleWriter() {
        op(0x80).op(2);
    }

    PickleWriter op(int opcode) {
        out.write(opcode);
        return this;
    }

    private PickleWriter i32(int v) {
        for (int i = 0; i < 4; i++) {
            out.write(v >>> (8 * i));
        }
        return this;
    }

    PickleWriter emptyList() {
        return op(']');
    }

    PickleWriter emptyDict() {
        return op('}');
    }

    PickleWriter mark() {
        return op('(');
    }

    PickleWriter append() {
        return op('a');
    }

    PickleWriter appends() {
        return op('e');
    }

    PickleWriter setItem() {
        return op('s');
    }

    /** TUPLE: the items since the last mark. */
    PickleWriter tuple() {
        return op('t');
    }

    PickleWriter put(int memo) {
        return op('r').i32(memo);
    }

    PickleWriter get(int memo) {
        return op('j').i32(memo);
    }

    PickleWriter pop() {
        return op('0');
    }

    PickleWriter none() {
        return op('N');
    }

    PickleWriter bool(boolean v) {
        return op(v ? 0x88 : 0x89);
    }

    PickleWriter str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X').i32(b.length);
        out.writeBytes(b);
        return this;
    }

    /** BININT when it fits, else LONG1 with eight little-endian bytes. */
    PickleWriter integer(long v) {
        if (v == (int) v) {
            return op('J').i32((int) v);
        }
        op(0x8a).op(8);
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    /** LONG1 with the given little-endian bytes. */
    PickleWriter bigInteger(byte[] littleEndian) {
        op(0x8a).op(littleEndian.length);
        out.writeBytes(littleEndian);
        return this;
    }

    PickleWriter global(String module, String name) {
        op('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
        return this;
    }

    PickleWriter reduce() {
        return op('R');
    }

    PickleWriter persistentId() {
        return op('Q');
    }

    byte[] stop() {
        op('.');
        return out.toByteArray();
    }

    /**
     * A state dict of one F32 tensor {@code name}, as torch.save writes it: a view with the given
     * offset, sizes and strides into storage "0" announced as {@code numel} elements.
     */
    static byte[] stateDict(String name, long numel, long offset, long[] size, long[] stride) {
        return stateDict(name, "0", numel, offset, size, stride);
    }

    /** As {@link #stateDict(String, long, long, long[], long[])}, with storage key {@code key}. */
    static byte[] stateDict(String name, String key, long numel, long offset, long[] size, long[] stride) {
        PickleWriter w = new PickleWriter().emptyDict().str(name);
        w.global("torch._utils", "_rebuild_tensor_v2").mark();
        w.mark().str("storage").global("torch", "FloatStorage").str(key).str("cpu").integer(numel).tuple().persistentId();
        w.integer(offset);
        w.mark();
        for (long s : size) {
            w.integer(s);
        }
        w.tuple().mark();
        for (long s : stride) {
            w.integer(s);
        }
        w.tuple().bool(false).global("collections", "OrderedDict").mark().tuple().reduce();
        return w.tuple().reduce().setItem().stop();
    }
}
