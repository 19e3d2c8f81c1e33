package dev.rerank.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The activations' side of {@link MatMul}: A[rows][in] copied into tiles of {@link #ROWS} rows
 * interleaved by k, tiles[t * ROWS * in + k * ROWS + i] = a[(t * ROWS + i) * in + k], so the
 * register tile finds the 8 values it broadcasts for one k next to each other. Rows past the end
 * of A are zeros.
 *
 * <p>This is a transpose of 8 × in blocks, and done value by value it cost more than it looks: at
 * in = 3072 one tile's output spans 96 KiB, more than L1, and writing it one row at a time brought
 * every cache line in eight times: about 150 µs, 7% of a 64 × 3072 → 768 multiply. Here whole
 * vectors are transposed in registers, 8 rows × L values in, L values × 8 rows out, written front
 * to back: about 45 µs.
 */
final class ActivationTiles {
    /** Rows per tile: the height of MatMul's register tile. */
    static final int ROWS = 8;

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** The register transpose below needs vectors of at least 8 lanes (AVX2 and wider). */
    private static final boolean VECTOR_TRANSPOSE = L >= ROWS;
    /** Scalar fallback: k values per pass, so one pass's output (BLOCK × ROWS floats) stays in L1. */
    private static final int BLOCK = 512;

    // Index vectors for FloatVector.selectFrom(x, y), where index j < L picks x[j] and L + j picks y[j]:
    // the lower or upper half of x and y, interleaved in groups of 1, 2 or 4 lanes.
    private static final FloatVector LOW_1 = interleave(1, 0);
    private static final FloatVector HIGH_1 = interleave(1, 1);
    private static final FloatVector LOW_2 = interleave(2, 0);
    private static final FloatVector HIGH_2 = interleave(2, 1);
    private static final FloatVector LOW_4 = interleave(4, 0);
    private static final FloatVector HIGH_4 = interleave(4, 1);

    private ActivationTiles() {}

    static int tiles(int rows) {
        return (rows + ROWS - 1) / ROWS;
    }

    /** Floats that {@code rows} rows of {@code in} values take once tiled. */
    static int size(int rows, int in) {
        return Math.multiplyExact(tiles(rows) * ROWS, in);
    }

    /** Writes tiles [from, to) of A's rows [firstRow, firstRow + rows) into {@code tiles}. */
    static void pack(float[] a, int firstRow, int rows, int in, float[] tiles, int from, int to) {
        int src = firstRow * in;
        for (int t = from; t < to; t++) {
            int first = t * ROWS;
            int tile = first * in;
            int vectorEnd = VECTOR_TRANSPOSE && first + ROWS <= rows ? in - in % L : 0;
            for (int k = 0; k < vectorEnd; k += L) {
                transpose(a, src + first * in + k, in, tiles, tile + k * ROWS);
            }
            for (int k0 = vectorEnd; k0 < in; k0 += BLOCK) {
                int k1 = Math.min(in, k0 + BLOCK);
                for (int i = 0; i < ROWS; i++) {
                    int r = first + i;
                    for (int k = k0; k < k1; k++) {
                        tiles[tile + k * ROWS + i] = r < rows ? a[src + r * in + k] : 0;
                    }
                }
            }
        }
    }

    /**
     * 8 rows × L values at a[src + i * in + j] → L × 8 at tiles[dst + j * 8 + i], in three rounds
     * of interleaving: rows 0|1, 2|3, ... into pairs, pairs into fours, fours into all eight. Each
     * round takes the lower and the upper half of its two inputs separately, so the k range a vector
     * covers halves each round: L/2, L/4, then L/8 values of k × 8 rows — exactly one output vector.
     */
    private static void transpose(float[] a, int src, int in, float[] tiles, int dst) {
        FloatVector r0 = FloatVector.fromArray(S, a, src);
        FloatVector r1 = FloatVector.fromArray(S, a, src + in);
        FloatVector r2 = FloatVector.fromArray(S, a, src + 2 * in);
        FloatVector r3 = FloatVector.fromArray(S, a, src + 3 * in);
        FloatVector r4 = FloatVector.fromArray(S, a, src + 4 * in);
        FloatVector r5 = FloatVector.fromArray(S, a, src + 5 * in);
        FloatVector r6 = FloatVector.fromArray(S, a, src + 6 * in);
        FloatVector r7 = FloatVector.fromArray(S, a, src + 7 * in);
        // Pairs of rows; "Low" covers k in [0, L/2), "High" [L/2, L).
        FloatVector r01Low = LOW_1.selectFrom(r0, r1), r01High = HIGH_1.selectFrom(r0, r1);
        FloatVector r23Low = LOW_1.selectFrom(r2, r3), r23High = HIGH_1.selectFrom(r2, r3);
        FloatVector r45Low = LOW_1.selectFrom(r4, r5), r45High = HIGH_1.selectFrom(r4, r5);
        FloatVector r67Low = LOW_1.selectFrom(r6, r7), r67High = HIGH_1.selectFrom(r6, r7);
        // Fours of rows, by quarters of the k range.
        FloatVector r0123Q0 = LOW_2.selectFrom(r01Low, r23Low), r0123Q1 = HIGH_2.selectFrom(r01Low, r23Low);
        FloatVector r0123Q2 = LOW_2.selectFrom(r01High, r23High), r0123Q3 = HIGH_2.selectFrom(r01High, r23High);
        FloatVector r4567Q0 = LOW_2.selectFrom(r45Low, r67Low), r4567Q1 = HIGH_2.selectFrom(r45Low, r67Low);
        FloatVector r4567Q2 = LOW_2.selectFrom(r45High, r67High), r4567Q3 = HIGH_2.selectFrom(r45High, r67High);
        // All eight rows, by eighths of the k range: consecutive output vectors.
        LOW_4.selectFrom(r0123Q0, r4567Q0).intoArray(tiles, dst);
        HIGH_4.selectFrom(r0123Q0, r4567Q0).intoArray(tiles, dst + L);
        LOW_4.selectFrom(r0123Q1, r4567Q1).intoArray(tiles, dst + 2 * L);
        HIGH_4.selectFrom(r0123Q1, r4567Q1).intoArray(tiles, dst + 3 * L);
        LOW_4.selectFrom(r0123Q2, r4567Q2).intoArray(tiles, dst + 4 * L);
        HIGH_4.selectFrom(r0123Q2, r4567Q2).intoArray(tiles, dst + 5 * L);
        LOW_4.selectFrom(r0123Q3, r4567Q3).intoArray(tiles, dst + 6 * L);
        HIGH_4.selectFrom(r0123Q3, r4567Q3).intoArray(tiles, dst + 7 * L);
    }

    /** Lane m of the result takes, from half {@code half} of x and y, groups of {@code group} lanes alternately. */
    private static FloatVector interleave(int group, int half) {
        float[] index = new float[L];
        for (int m = 0; m < L; m++) {
            int pair = m / (2 * group);
            int within = m % (2 * group);
            boolean fromX = within < group;
            int lane = half * L / 2 + pair * group + (fromX ? within : within - group);
            index[m] = fromX ? lane : L + lane;
        }
        return FloatVector.fromArray(S, index, 0);
    }
}
