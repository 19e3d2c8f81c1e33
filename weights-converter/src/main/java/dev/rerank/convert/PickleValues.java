package dev.rerank.convert;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The two things done to unpickled values whose shape a hostile file controls, each in work
 * bounded by a constant rather than by the value: printing one into an error message, and
 * checking that one may be a dict key.
 *
 * <p>Java's own {@code toString}, {@code hashCode} and {@code equals} on lists recurse into every
 * element, so a list that contains itself overflows the stack, 200,000 nested lists do too, and
 * 60 levels of lists that share their children ({@code L[i+1] = [L[i], L[i]]}, 1.5 KB of pickle)
 * take 2^60 steps. Neither walk here ever visits more than a fixed number of nodes.
 */
final class PickleValues {
    /** Characters of a value shown in an error message; the rest is elided. */
    private static final int SHOWN_CHARS = 120;
    /** Levels of nesting shown before "…". */
    private static final int SHOWN_DEPTH = 4;
    /**
     * Scalars and tuples a dict key may be built of. Real keys are one string (a state dict) or
     * an int (an optimizer state); anything near this is crafted, and bounding it bounds hashing.
     */
    static final int MAX_KEY_ITEMS = 256;

    private PickleValues() {}

    /** {@code text}, cut to a length fit for an error message. */
    static String clip(String text) {
        return text.length() <= SHOWN_CHARS ? text : text.substring(0, SHOWN_CHARS) + "…";
    }

    /** A short rendering of {@code value} for an error message, whatever its size or cycles. */
    static String describe(Object value) {
        StringBuilder out = new StringBuilder();
        append(out, value, 0);
        if (out.length() > SHOWN_CHARS) {
            out.setLength(SHOWN_CHARS);
            out.append('…');
        }
        return out.toString();
    }

    // Recursion is bounded by SHOWN_DEPTH, and each visit adds at least one character while the
    // loops stop once SHOWN_CHARS are written, so at most about SHOWN_CHARS nodes are visited.
    private static void append(StringBuilder out, Object v, int depth) {
        if (out.length() > SHOWN_CHARS) {
            return;
        }
        switch (v) {
            case null -> out.append("null");
            case String s -> out.append('\'').append(s, 0, Math.min(s.length(), SHOWN_CHARS)).append('\'');
            case Long l -> out.append(l);
            case BigInteger b -> out.append(b.bitLength() < 256 ? b.toString() : "<" + b.bitLength() + "-bit int>");
            case Double d -> out.append(d);
            case Boolean b -> out.append(b ? "True" : "False");
            case byte[] b -> out.append("<").append(b.length).append(" bytes>");
            case Pickle.Global g -> out.append(g.qualified());
            case Pickle.Tuple t -> items(out, t.items(), "(", ")", depth);
            case List<?> l -> items(out, l, "[", "]", depth);
            case Map<?, ?> m -> out.append(depth >= SHOWN_DEPTH ? "{…}" : "{" + m.size() + " items}");
            default -> out.append(v == Pickle.NONE ? "None" : "<" + v.getClass().getSimpleName() + ">");
        }
    }

    private static void items(StringBuilder out, List<?> items, String open, String close, int depth) {
        if (depth >= SHOWN_DEPTH) {
            out.append(open).append('…').append(close);
            return;
        }
        out.append(open);
        for (int i = 0; i < items.size() && out.length() <= SHOWN_CHARS; i++) {
            if (i > 0) {
                out.append(", ");
            }
            append(out, items.get(i), depth + 1);
        }
        out.append(close);
    }

    /**
     * Null if {@code key} may be a dict key, else why not. As in Python, lists, dicts and sets are
     * unhashable; beyond that only strings, numbers, booleans, None and tuples of them are
     * accepted — bytes and objects never key a checkpoint's dicts — and a tuple key may hold at
     * most {@link #MAX_KEY_ITEMS} items all told, so hashing and comparing it is cheap.
     */
    static String unhashable(Object key) {
        Deque<Object> todo = new ArrayDeque<>();
        todo.push(key);
        int seen = 1;
        while (!todo.isEmpty()) {
            Object v = todo.pop();
            if (v instanceof Pickle.Tuple t && (seen += t.size()) > MAX_KEY_ITEMS) {
                return "a tuple key with more than " + MAX_KEY_ITEMS + " items";
            }
            switch (v) {
                case String s -> { }
                case Long l -> { }
                case BigInteger b -> { }
                case Double d -> { }
                case Boolean b -> { }
                case Pickle.Tuple t -> t.items().forEach(todo::push);
                case List<?> l -> {
                    return "unhashable type: 'list'";
                }
                case Map<?, ?> m -> {
                    return "unhashable type: 'dict'";
                }
                case null, default -> {
                    if (v != Pickle.NONE) {
                        return "a " + typeName(v) + " as a dict key (keys must be str, int, float, bool, None or tuples of them)";
                    }
                }
            }
        }
        return null;
    }

    /** The Python-ish name of a value's type, for messages. */
    static String typeName(Object v) {
        return switch (v) {
            case null -> "null";
            case byte[] b -> "bytes";
            case Pickle.Global g -> "global " + g.qualified();
            case Pickle.Tuple t -> "tuple";
            case List<?> l -> "list";
            case Map<?, ?> m -> "dict";
            default -> v == Pickle.NONE ? "None" : v.getClass().getSimpleName();
        };
    }
}
