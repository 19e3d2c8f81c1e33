package dev.rerank.tokenizer;

import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * A vocabulary — token spelling to id, and id to spelling — kept in a few primitive arrays.
 *
 * <p>A {@code HashMap<String, Integer>} of RoBERTa's 50,265 tokens, with its strings, boxed ids
 * and nodes, holds about 5.5 MB; this holds the same in about 1.5 MB (every spelling back to back
 * in one {@code char[]}, an open-addressing index of ids), and builds far less garbage while
 * loading: the JVM keeps the heap pages that loading garbage touched, so both show in a process's
 * resident memory. Lookups take a range of any {@link CharSequence}, or two ranges joined, so
 * callers find a piece of a word, or a prefixed piece, without building a string for it.
 *
 * <p>Immutable once built, so safe to share between threads.
 */
final class TokenTable {
    private static final int EMPTY = 0; // index slots hold id + 1

    /** Every spelling, back to back in id order. */
    private final char[] chars;
    /** Id i is spelled by chars[starts[i], starts[i + 1]) when {@link #present} has it. */
    private final int[] starts;
    private final BitSet present;
    /** Open addressing over the looked-up ids: id + 1, or {@link #EMPTY}. */
    private final int[] index;
    private final int mask;
    private final int distinct;
    /**
     * Spellings already made into Strings, by id: every encode names its tokens, and building a new
     * String per token per call would allocate on the tokenizer's hot path. Filled on first use, so
     * only the ids a workload meets cost a String. Racing threads may each make one; either is right.
     */
    private final String[] spelled;

    private TokenTable(char[] chars, int[] starts, BitSet present, int[] index, int distinct) {
        this.chars = chars;
        this.starts = starts;
        this.present = present;
        this.index = index;
        this.mask = index.length - 1;
        this.distinct = distinct;
        this.spelled = new String[starts.length - 1];
    }

    /** How many tokens lookups find (distinct spellings of the vocabulary). */
    int tokens() {
        return distinct;
    }

    /** One more than the largest id with a spelling: the id range, gaps included. */
    int size() {
        return starts.length - 1;
    }

    /** Whether some token has this id. */
    boolean has(int id) {
        return id >= 0 && id < size() && present.get(id);
    }

    /** The spelling of {@code id}, or null when no token has it. */
    String token(int id) {
        if (!has(id)) {
            return null;
        }
        String s = spelled[id];
        if (s == null) {
            s = new String(chars, starts[id], starts[id + 1] - starts[id]);
            spelled[id] = s;
        }
        return s;
    }

    /** The id of {@code token}, or -1. */
    int id(CharSequence token) {
        return id(token, 0, token.length(), "", 0, 0);
    }

    /** The id of {@code text[from, to)}, or -1. */
    int id(CharSequence text, int from, int to) {
        return id(text, from, to, "", 0, 0);
    }

    /** The id of the spelling {@code a[aFrom, aTo)} followed by {@code b[bFrom, bTo)}, or -1. */
    int id(CharSequence a, int aFrom, int aTo, CharSequence b, int bFrom, int bTo) {
        int length = aTo - aFrom + bTo - bFrom;
        for (int slot = hash(a, aFrom, aTo, b, bFrom, bTo) & mask; ; slot = (slot + 1) & mask) {
            int entry = index[slot];
            if (entry == EMPTY) {
                return -1;
            }
            int id = entry - 1;
            if (starts[id + 1] - starts[id] == length && spells(id, a, aFrom, aTo, b, bFrom, bTo)) {
                return id;
            }
        }
    }

    private boolean spells(int id, CharSequence a, int aFrom, int aTo, CharSequence b, int bFrom, int bTo) {
        int at = starts[id];
        for (int i = aFrom; i < aTo; i++) {
            if (chars[at++] != a.charAt(i)) {
                return false;
            }
        }
        for (int i = bFrom; i < bTo; i++) {
            if (chars[at++] != b.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int hash(CharSequence a, int aFrom, int aTo, CharSequence b, int bFrom, int bTo) {
        int h = 0;
        for (int i = aFrom; i < aTo; i++) {
            h = 31 * h + a.charAt(i);
        }
        for (int i = bFrom; i < bTo; i++) {
            h = 31 * h + b.charAt(i);
        }
        return mix(h);
    }

    private static int hash(char[] chars, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + chars[i];
        }
        return mix(h);
    }

    /** Spreads the polynomial hash over the low bits the mask keeps. */
    private static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /**
     * This vocabulary with the spellings of {@code added} tokens whose ids it leaves free (each
     * checked against the vocabulary's own use of its id before this is called). Lookups still
     * see only the vocabulary, as the model's matching does; added tokens are matched on their
     * own, before the model.
     */
    TokenTable withSpellings(List<AddedToken> added) {
        String[] extra = new String[0];
        for (AddedToken t : added) {
            if (!has(t.id())) {
                if (t.id() >= extra.length) {
                    extra = Arrays.copyOf(extra, Math.max(t.id() + 1, size()));
                }
                extra[t.id()] = t.content();
            }
        }
        if (extra.length == 0) {
            return this;
        }
        int size = Math.max(size(), extra.length);
        StringBuilder text = new StringBuilder(chars.length);
        int[] moreStarts = new int[size + 1];
        BitSet morePresent = (BitSet) present.clone();
        for (int id = 0; id < size; id++) {
            moreStarts[id] = text.length();
            if (has(id)) {
                text.append(chars, starts[id], starts[id + 1] - starts[id]);
            } else if (id < extra.length && extra[id] != null) {
                text.append(extra[id]);
                morePresent.set(id);
            }
        }
        moreStarts[size] = text.length();
        char[] moreChars = new char[text.length()];
        text.getChars(0, text.length(), moreChars, 0);
        return new TokenTable(moreChars, moreStarts, morePresent, index, distinct);
    }

    /**
     * Collects (token, id) entries. As in a map, a token given twice keeps its later id (its
     * earlier id is then left without a spelling); callers refuse an id given twice.
     */
    static final class Builder {
        private char[] chars = new char[1 << 16];
        private int charCount;
        private int[] ids = new int[1 << 12];
        /** Where each entry's spelling starts in {@link #chars}; it ends where the next begins. */
        private int[] entryStarts = new int[1 << 12];
        private int count;

        Builder put(String token, int id) {
            if (id < 0) {
                throw new IllegalArgumentException("negative id " + id + " for '" + token + "'");
            }
            if (charCount + token.length() > chars.length) {
                chars = Arrays.copyOf(chars, Math.max(chars.length * 2, charCount + token.length()));
            }
            token.getChars(0, token.length(), chars, charCount);
            if (count == ids.length) {
                ids = Arrays.copyOf(ids, count * 2);
                entryStarts = Arrays.copyOf(entryStarts, count * 2);
            }
            ids[count] = id;
            entryStarts[count] = charCount;
            count++;
            charCount += token.length();
            return this;
        }

        /** The spelling of the entry given {@code id}, or null: for error messages. */
        String spelling(int id) {
            for (int e = 0; e < count; e++) {
                if (ids[e] == id) {
                    return new String(chars, entryStarts[e], end(e) - entryStarts[e]);
                }
            }
            return null;
        }

        TokenTable build() {
            // Index the entries first (a repeated spelling moves to its later entry), then lay the
            // surviving spellings out in id order and turn the index's entries into ids.
            int[] index = new int[Integer.highestOneBit(Math.max(8, count * 2 - 1)) << 1]; // at most half full
            boolean[] superseded = new boolean[count];
            int distinct = 0;
            for (int e = 0; e < count; e++) {
                distinct += insert(index, e, superseded);
            }
            long[] byId = new long[distinct];
            for (int e = 0, k = 0; e < count; e++) {
                if (!superseded[e]) {
                    byId[k++] = (long) ids[e] << 32 | e;
                }
            }
            Arrays.sort(byId);
            int size = distinct == 0 ? 0 : (int) (byId[distinct - 1] >>> 32) + 1;
            char[] spellings = new char[charCount];
            int[] starts = new int[size + 1];
            BitSet present = new BitSet(size);
            int at = 0;
            int next = 0;
            for (long key : byId) {
                int id = (int) (key >>> 32);
                int e = (int) key;
                while (next <= id) {
                    starts[next++] = at;
                }
                int length = end(e) - entryStarts[e];
                System.arraycopy(chars, entryStarts[e], spellings, at, length);
                at += length;
                present.set(id);
            }
            starts[size] = at;
            for (int slot = 0; slot < index.length; slot++) {
                if (index[slot] != EMPTY) {
                    index[slot] = ids[index[slot] - 1] + 1;
                }
            }
            // Shorter only when a repeated spelling was dropped.
            return new TokenTable(at == charCount ? spellings : Arrays.copyOf(spellings, at), starts, present, index,
                    distinct);
        }

        private int end(int entry) {
            return entry + 1 < count ? entryStarts[entry + 1] : charCount;
        }

        /** Indexes entry {@code e} (as entry + 1); returns 1 for a new spelling, 0 when it supersedes one. */
        private int insert(int[] index, int e, boolean[] superseded) {
            int start = entryStarts[e];
            int end = end(e);
            int mask = index.length - 1;
            for (int slot = hash(chars, start, end) & mask; ; slot = (slot + 1) & mask) {
                int other = index[slot] - 1;
                if (other < 0) {
                    index[slot] = e + 1;
                    return 1;
                }
                if (Arrays.equals(chars, entryStarts[other], end(other), chars, start, end)) {
                    index[slot] = e + 1;
                    superseded[other] = true;
                    return 0;
                }
            }
        }
    }
}
