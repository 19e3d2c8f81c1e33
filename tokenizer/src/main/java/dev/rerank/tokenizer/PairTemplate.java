package dev.rerank.tokenizer;

import java.util.Arrays;

/**
 * The post-processor's frame: which special tokens go around one text or a pair, and the type id
 * of every position. RoBERTa: {@code <s> A </s>} and {@code <s> A </s></s> B </s>}, all type 0;
 * BERT: {@code [CLS] A [SEP]} and {@code [CLS] A [SEP] B [SEP]}, type 1 from B on.
 *
 * <p>A template is a sequence of slots; a slot is a special token id, or {@link #FIRST} /
 * {@link #SECOND} for the texts, each with a type id.
 */
final class PairTemplate {
    static final int FIRST = -1;
    static final int SECOND = -2;

    private final int[] single;
    private final int[] singleTypes;
    private final int[] pair;
    private final int[] pairTypes;

    /**
     * @throws IllegalArgumentException unless {@code single} holds FIRST once and no SECOND,
     *         {@code pair} holds FIRST once then SECOND once, and {@code single} has a special token
     */
    PairTemplate(int[] single, int[] singleTypes, int[] pair, int[] pairTypes) {
        if (count(single, FIRST) != 1 || count(single, SECOND) != 0) {
            throw new IllegalArgumentException("the single template must hold $A once and no $B");
        }
        if (count(pair, FIRST) != 1 || count(pair, SECOND) != 1 || indexOf(pair, SECOND) < indexOf(pair, FIRST)) {
            throw new IllegalArgumentException("the pair template must hold $A once, then $B once");
        }
        if (singleTypes.length != single.length || pairTypes.length != pair.length) {
            throw new IllegalArgumentException("every template slot needs a type id");
        }
        if (single.length < 2) {
            throw new IllegalArgumentException("the single template has no special tokens to mark its start and end");
        }
        this.single = single.clone();
        this.singleTypes = singleTypes.clone();
        this.pair = pair.clone();
        this.pairTypes = pairTypes.clone();
    }

    /** RobertaProcessing: {@code <s> A </s>}, {@code <s> A </s></s> B </s>}, every type id 0. */
    static PairTemplate roberta(int cls, int sep) {
        return new PairTemplate(new int[] {cls, FIRST, sep}, new int[3],
                new int[] {cls, FIRST, sep, sep, SECOND, sep}, new int[6]);
    }

    /** BertProcessing: {@code [CLS] A [SEP]}, {@code [CLS] A [SEP] B [SEP]}, type 1 for {@code B [SEP]}. */
    static PairTemplate bert(int cls, int sep) {
        return new PairTemplate(new int[] {cls, FIRST, sep}, new int[3],
                new int[] {cls, FIRST, sep, SECOND, sep}, new int[] {0, 0, 0, 1, 1});
    }

    /** How many special tokens frame one text, or a pair. */
    int specialTokens(boolean forPair) {
        return forPair ? pair.length - 2 : single.length - 1;
    }

    /** The first special token of the single template ({@code <s>}, {@code [CLS]}). */
    int firstSpecial() {
        for (int slot : single) {
            if (slot >= 0) {
                return slot;
            }
        }
        throw new IllegalStateException("checked in the constructor");
    }

    /** The last special token of the single template ({@code </s>}, {@code [SEP]}). */
    int lastSpecial() {
        for (int i = single.length - 1; i >= 0; i--) {
            if (single[i] >= 0) {
                return single[i];
            }
        }
        throw new IllegalStateException("checked in the constructor");
    }

    /** Every special token id the templates use, to check them against the vocabulary. */
    int[] specialIds() {
        return Arrays.stream(pair).filter(id -> id >= 0).toArray();
    }

    /** {ids, type ids} of the first {@code keep} ids of {@code text} in the single template. */
    int[][] frame(int[] text, int keep) {
        return fill(single, singleTypes, text, keep, null, 0);
    }

    /** {ids, type ids} of the first {@code keepFirst} / {@code keepSecond} ids of a pair. */
    int[][] frame(int[] first, int keepFirst, int[] second, int keepSecond) {
        return fill(pair, pairTypes, first, keepFirst, second, keepSecond);
    }

    private static int[][] fill(int[] slots, int[] types, int[] first, int keepFirst, int[] second, int keepSecond) {
        int n = slots.length - (second == null ? 1 : 2) + keepFirst + keepSecond;
        int[] ids = new int[n];
        int[] typeIds = new int[n];
        int k = 0;
        for (int s = 0; s < slots.length; s++) {
            int slot = slots[s];
            if (slot >= 0) {
                ids[k] = slot;
                typeIds[k++] = types[s];
                continue;
            }
            int[] text = slot == FIRST ? first : second;
            int keep = slot == FIRST ? keepFirst : keepSecond;
            System.arraycopy(text, 0, ids, k, keep);
            Arrays.fill(typeIds, k, k + keep, types[s]);
            k += keep;
        }
        return new int[][] {ids, typeIds};
    }

    private static int count(int[] slots, int value) {
        return (int) Arrays.stream(slots).filter(s -> s == value).count();
    }

    private static int indexOf(int[] slots, int value) {
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
