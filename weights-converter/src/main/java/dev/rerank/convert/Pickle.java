package dev.rerank.convert;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A restricted unpickler for PyTorch checkpoints: it decodes the opcodes of pickle protocols 2–5
 * into plain Java values and <em>never runs anything</em>. A pickle names Python callables as
 * globals and calls them with REDUCE; here a global is only ever looked up in a short allowlist
 * of data constructors, and any other — {@code os.system}, {@code builtins.eval}, anything — stops
 * decoding with an error naming it.
 *
 * <p>Values: None → {@link #NONE}, bool → Boolean, int → Long (or BigInteger), float → Double,
 * str → String, bytes → byte[], tuple → {@link Tuple}, list → List, dict → LinkedHashMap.
 */
final class Pickle {
    /** Python's None (Java null is kept for "no value"). */
    static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    /** A Python tuple. */
    record Tuple(List<Object> items) {
        Object get(int i) {
            return items.get(i);
        }

        int size() {
            return items.size();
        }
    }

    /** An allowlisted global: a constructor the checkpoint reader knows how to interpret. */
    record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    /** What a REDUCE or persistent id turns into; supplied by the checkpoint reader. */
    interface Resolver {
        Object call(Global callable, Tuple args);

        Object persistentLoad(Object pid);
    }

    private static final Set<String> ALLOWED = Set.of(
            "collections.OrderedDict",
            "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_parameter",
            "torch.FloatStorage", "torch.HalfStorage", "torch.BFloat16Storage", "torch.DoubleStorage",
            "torch.LongStorage", "torch.IntStorage", "torch.ShortStorage", "torch.CharStorage",
            "torch.ByteStorage", "torch.BoolStorage");

    private static final Object MARK = new Object();

    private final byte[] data;
    private final String source;
    private final Resolver resolver;
    private int pos;
    private final List<Object> stack = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private Pickle(byte[] data, int start, String source, Resolver resolver) {
        this.data = data;
        this.pos = start;
        this.source = source;
        this.resolver = resolver;
    }

    /** The value of the pickle starting at {@code start}, and where it ended. */
    record Result(Object value, int end) {}

    static Result load(byte[] data, int start, String source, Resolver resolver) {
        Pickle p = new Pickle(data, start, source, resolver);
        Object value = p.run();
        return new Result(value, p.pos);
    }

    private Object run() {
        while (true) {
            int at = pos;
            int op = u8();
            switch (op) {
                case 0x80 -> { // PROTO
                    int protocol = u8();
                    if (protocol > 5) {
                        throw bad(at, "pickle protocol " + protocol + " is newer than 5");
                    }
                }
                case 0x95 -> skip(8); // FRAME: a length prefix we do not need
                case '.' -> { // STOP
                    return pop(at);
                }
                case '(' -> push(MARK);
                case 'N' -> push(NONE);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'J' -> push((long) i32());
                case 'K' -> push((long) u8());
                case 'M' -> push((long) (u8() | (u8() << 8)));
                case 0x8a -> push(longOf(bytes(u8(), at))); // LONG1
                case 0x8b -> push(longOf(bytes(length(i32(), at), at))); // LONG4
                case 'G' -> push(Double.longBitsToDouble(Long.reverseBytes(i64()))); // BINFLOAT is big-endian
                case 'I' -> push(parseIntLine(at));
                case 'L' -> push(parseLongLine(at));
                case 'X' -> push(utf8(length(i32(), at), at)); // BINUNICODE
                case 0x8c -> push(utf8(u8(), at)); // SHORT_BINUNICODE
                case 0x8d -> push(utf8(length(i64(), at), at)); // BINUNICODE8
                case 'T' -> push(new String(bytes(length(i32(), at), at), StandardCharsets.ISO_8859_1)); // BINSTRING
                case 'U' -> push(new String(bytes(u8(), at), StandardCharsets.ISO_8859_1)); // SHORT_BINSTRING
                case 'B' -> push(bytes(length(i32(), at), at)); // BINBYTES
                case 'C' -> push(bytes(u8(), at)); // SHORT_BINBYTES
                case 0x8e -> push(bytes(length(i64(), at), at)); // BINBYTES8
                case 0x96 -> push(bytes(length(i64(), at), at)); // BYTEARRAY8
                case ')' -> push(new Tuple(List.of()));
                case 0x85 -> push(tuple(1, at));
                case 0x86 -> push(tuple(2, at));
                case 0x87 -> push(tuple(3, at));
                case 't' -> push(new Tuple(popToMark(at)));
                case ']' -> push(new ArrayList<>());
                case 'l' -> push(new ArrayList<>(popToMark(at)));
                case '}' -> push(new LinkedHashMap<>());
                case 'd' -> push(dictOf(popToMark(at), at));
                case 0x8f -> push(new ArrayList<>()); // EMPTY_SET, kept as a list
                case 'a' -> { // APPEND
                    Object v = pop(at);
                    list(peek(at), at).add(v);
                }
                case 'e', 0x90 -> { // APPENDS, ADDITEMS
                    List<Object> items = popToMark(at);
                    list(peek(at), at).addAll(items);
                }
                case 0x91 -> push(new ArrayList<>(popToMark(at))); // FROZENSET
                case 's' -> { // SETITEM
                    Object v = pop(at);
                    Object k = pop(at);
                    dict(peek(at), at).put(k, v);
                }
                case 'u' -> { // SETITEMS
                    List<Object> items = popToMark(at);
                    dict(peek(at), at).putAll(dictOf(items, at));
                }
                case 'c' -> push(global(line(at), line(at), at)); // GLOBAL
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop(at);
                    Object module = pop(at);
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw bad(at, "STACK_GLOBAL needs two strings");
                    }
                    push(global(m, n, at));
                }
                case 'R' -> { // REDUCE: callable(*args), resolved by the reader, never executed
                    Object args = pop(at);
                    Object callable = pop(at);
                    push(call(callable, args, at));
                }
                case 0x81 -> { // NEWOBJ: cls.__new__(cls, *args)
                    Object args = pop(at);
                    Object cls = pop(at);
                    push(call(cls, args, at));
                }
                case 0x92 -> { // NEWOBJ_EX
                    pop(at);
                    Object args = pop(at);
                    Object cls = pop(at);
                    push(call(cls, args, at));
                }
                case 'b' -> { // BUILD: set state on the object; our values need none of it
                    pop(at);
                    peek(at);
                }
                case 'Q' -> push(resolver.persistentLoad(pop(at))); // BINPERSID
                case 'q' -> memo.put((long) u8(), peek(at)); // BINPUT
                case 'r' -> memo.put((long) i32() & 0xFFFFFFFFL, peek(at)); // LONG_BINPUT
                case 0x94 -> memo.put((long) memo.size(), peek(at)); // MEMOIZE
                case 'h' -> push(memoGet(u8(), at)); // BINGET
                case 'j' -> push(memoGet(i32() & 0xFFFFFFFFL, at)); // LONG_BINGET
                case '0' -> pop(at); // POP
                case '1' -> popToMark(at); // POP_MARK
                case '2' -> push(peek(at)); // DUP
                default -> throw bad(at, "unsupported pickle opcode 0x" + Integer.toHexString(op));
            }
        }
    }

    private Object global(String module, String name, int at) {
        String qualified = module + "." + name;
        if (!ALLOWED.contains(qualified)) {
            throw new CheckpointException(source + ": refusing to load: the pickle references the global "
                    + qualified + ", which is not on the allowlist of tensor constructors (nothing was executed)");
        }
        return new Global(module, name);
    }

    private Object call(Object callable, Object args, int at) {
        if (!(callable instanceof Global g)) {
            throw bad(at, "REDUCE on something that is not an allowlisted global: " + describe(callable));
        }
        if (!(args instanceof Tuple t)) {
            throw bad(at, "REDUCE arguments are not a tuple");
        }
        return resolver.call(g, t);
    }

    private static String describe(Object o) {
        return o == null ? "null" : o.getClass().getSimpleName();
    }

    private Object memoGet(long key, int at) {
        if (!memo.containsKey(key)) {
            throw bad(at, "memo key " + key + " was never stored");
        }
        return memo.get(key);
    }

    private Tuple tuple(int n, int at) {
        Object[] items = new Object[n];
        for (int i = n - 1; i >= 0; i--) {
            items[i] = pop(at);
        }
        return new Tuple(List.of(items));
    }

    private Map<Object, Object> dictOf(List<Object> items, int at) {
        if (items.size() % 2 != 0) {
            throw bad(at, "odd number of items for a dict");
        }
        Map<Object, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i += 2) {
            m.put(items.get(i), items.get(i + 1));
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o, int at) {
        if (o instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw bad(at, "APPEND to a " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o, int at) {
        if (o instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw bad(at, "SETITEM on a " + describe(o));
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop(int at) {
        if (stack.isEmpty()) {
            throw bad(at, "stack underflow");
        }
        Object o = stack.remove(stack.size() - 1);
        if (o == MARK) {
            throw bad(at, "unexpected MARK");
        }
        return o;
    }

    private Object peek(int at) {
        if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
            throw bad(at, "stack underflow");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popToMark(int at) {
        int mark = stack.lastIndexOf(MARK);
        if (mark < 0) {
            throw bad(at, "no MARK on the stack");
        }
        List<Object> items = new ArrayList<>(stack.subList(mark + 1, stack.size()));
        stack.subList(mark, stack.size()).clear();
        return items;
    }

    private int u8() {
        need(1);
        return data[pos++] & 0xFF;
    }

    private int i32() {
        need(4);
        int v = (data[pos] & 0xFF) | (data[pos + 1] & 0xFF) << 8 | (data[pos + 2] & 0xFF) << 16 | (data[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    private long i64() {
        long lo = i32() & 0xFFFFFFFFL;
        long hi = i32() & 0xFFFFFFFFL;
        return lo | hi << 32;
    }

    private void skip(int n) {
        need(n);
        pos += n;
    }

    /** A length field, checked against what is left before anything is allocated. */
    private int length(long n, int at) {
        if (n < 0 || n > data.length - pos) {
            throw bad(at, "a length of " + n + " bytes runs past the end of the data (truncated or corrupt)");
        }
        return (int) n;
    }

    private byte[] bytes(int n, int at) {
        length(n, at);
        byte[] out = new byte[n];
        System.arraycopy(data, pos, out, 0, n);
        pos += n;
        return out;
    }

    private String utf8(int n, int at) {
        return new String(bytes(n, at), StandardCharsets.UTF_8);
    }

    private String line(int at) {
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

    private Object parseIntLine(int at) {
        String s = line(at);
        return switch (s) {
            case "00" -> Boolean.FALSE;
            case "01" -> Boolean.TRUE;
            default -> {
                try {
                    yield Long.parseLong(s);
                } catch (NumberFormatException e) {
                    throw bad(at, "bad INT " + s);
                }
            }
        };
    }

    private Object parseLongLine(int at) {
        String s = line(at);
        try {
            return longOf(new BigInteger(s.endsWith("L") ? s.substring(0, s.length() - 1) : s));
        } catch (NumberFormatException e) {
            throw bad(at, "bad LONG " + s);
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

    private void need(int n) {
        if (pos + n > data.length) {
            throw new CheckpointException(source + ": pickle data ends early at byte " + pos + " (truncated file?)");
        }
    }

    private CheckpointException bad(int at, String what) {
        return new CheckpointException(source + ": corrupt pickle at byte " + at + ": " + what);
    }
}
