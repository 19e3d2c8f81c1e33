package dev.rerank.convert;

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
 *
 * <p>A hostile pickle costs at most linear time and memory in its size. The decoder is one loop
 * over the opcodes with an explicit stack, so nesting never recurses; each opcode makes at most
 * one value or memo entry, and {@link #MAX_VALUES} of those bound the memory; dict keys must be
 * hashable scalars or small tuples of them ({@link PickleValues#unhashable}), so hashing a key is
 * cheap; and values are only ever printed by the bounded {@link PickleValues#describe}. Integers
 * are limited to {@link PickleInput#MAX_INT_BYTES} bytes, since decimal parsing is quadratic in the digits.
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

        @Override
        public String toString() {
            return PickleValues.describe(this); // the record's own would recurse without bound
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
    /**
     * Values pushed plus memo entries made, per pickle. A state dict needs about 30 per tensor, so
     * even 10,000 tensors stay far below; it caps the decoder's memory at some 100 MB.
     */
    static final int MAX_VALUES = 1_000_000;

    private final PickleInput in;
    private final String source;
    private final Resolver resolver;
    private final List<Object> stack = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private int values;

    private Pickle(byte[] data, int start, String source, Resolver resolver) {
        this.in = new PickleInput(data, start, source);
        this.source = source;
        this.resolver = resolver;
    }

    /** The value of the pickle starting at {@code start}, and where it ended. */
    record Result(Object value, int end) {}

    static Result load(byte[] data, int start, String source, Resolver resolver) {
        Pickle p = new Pickle(data, start, source, resolver);
        Object value = p.run();
        return new Result(value, p.in.position());
    }

    private Object run() {
        while (true) {
            int at = in.position();
            int op = in.u8();
            switch (op) {
                case 0x80 -> { // PROTO
                    int protocol = in.u8();
                    if (protocol > 5) {
                        throw bad(at, "pickle protocol " + protocol + " is newer than 5");
                    }
                }
                case 0x95 -> in.skip(8); // FRAME: a length prefix we do not need
                case '.' -> { // STOP
                    return pop(at);
                }
                case '(' -> push(MARK);
                case 'N' -> push(NONE);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'J' -> push((long) in.i32());
                case 'K' -> push((long) in.u8());
                case 'M' -> push((long) (in.u8() | (in.u8() << 8)));
                case 0x8a -> push(in.littleEndianInt(in.u8(), at)); // LONG1
                case 0x8b -> push(in.littleEndianInt(in.i32(), at)); // LONG4
                case 'G' -> push(Double.longBitsToDouble(Long.reverseBytes(in.i64()))); // BINFLOAT is big-endian
                case 'I' -> push(in.parseIntLine(at));
                case 'L' -> push(in.parseLongLine(at));
                case 'X' -> push(in.utf8(in.length(in.i32(), at), at)); // BINUNICODE
                case 0x8c -> push(in.utf8(in.u8(), at)); // SHORT_BINUNICODE
                case 0x8d -> push(in.utf8(in.length(in.i64(), at), at)); // BINUNICODE8
                case 'T' -> push(new String(in.bytes(in.length(in.i32(), at), at), StandardCharsets.ISO_8859_1)); // BINSTRING
                case 'U' -> push(new String(in.bytes(in.u8(), at), StandardCharsets.ISO_8859_1)); // SHORT_BINSTRING
                case 'B' -> push(in.bytes(in.length(in.i32(), at), at)); // BINBYTES
                case 'C' -> push(in.bytes(in.u8(), at)); // SHORT_BINBYTES
                case 0x8e -> push(in.bytes(in.length(in.i64(), at), at)); // BINBYTES8
                case 0x96 -> push(in.bytes(in.length(in.i64(), at), at)); // BYTEARRAY8
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
                    dict(peek(at), at).put(key(k, at), v);
                }
                case 'u' -> { // SETITEMS
                    List<Object> items = popToMark(at);
                    dict(peek(at), at).putAll(dictOf(items, at));
                }
                case 'c' -> push(global(in.line(at), in.line(at), at)); // GLOBAL
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
                case 'q' -> memoPut(in.u8(), at); // BINPUT
                case 'r' -> memoPut(in.i32() & 0xFFFFFFFFL, at); // LONG_BINPUT
                case 0x94 -> memoPut(memo.size(), at); // MEMOIZE
                case 'h' -> push(memoGet(in.u8(), at)); // BINGET
                case 'j' -> push(memoGet(in.i32() & 0xFFFFFFFFL, at)); // LONG_BINGET
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
                    + PickleValues.clip(qualified) + ", which is not on the allowlist of tensor constructors (nothing was executed)");
        }
        return new Global(module, name);
    }

    private Object call(Object callable, Object args, int at) {
        if (!(callable instanceof Global g)) {
            throw bad(at, "REDUCE on something that is not an allowlisted global: " + PickleValues.typeName(callable));
        }
        if (!(args instanceof Tuple t)) {
            throw bad(at, "REDUCE arguments are not a tuple");
        }
        return resolver.call(g, t);
    }

    private void memoPut(long key, int at) {
        count(at);
        memo.put(key, peek(at));
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
            m.put(key(items.get(i), at), items.get(i + 1));
        }
        return m;
    }

    /** {@code k}, once it is known to be cheap to hash (see {@link PickleValues#unhashable}). */
    private Object key(Object k, int at) {
        String why = PickleValues.unhashable(k);
        if (why != null) {
            throw bad(at, "dict key rejected: " + why);
        }
        return k;
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o, int at) {
        if (o instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw bad(at, "APPEND to a " + PickleValues.typeName(o));
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o, int at) {
        if (o instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw bad(at, "SETITEM on a " + PickleValues.typeName(o));
    }

    private void push(Object o) {
        count(in.position());
        stack.add(o);
    }

    private void count(int at) {
        if (++values > MAX_VALUES) {
            throw bad(at, "more than " + MAX_VALUES + " values; no checkpoint needs that many (crafted file?)");
        }
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

    private CheckpointException bad(int at, String what) {
        return in.bad(at, what);
    }
}
