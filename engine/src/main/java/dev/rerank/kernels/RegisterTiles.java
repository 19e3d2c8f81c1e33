package dev.rerank.kernels;

import static dev.rerank.kernels.MatMul.L;
import static dev.rerank.kernels.MatMul.PANEL;
import static dev.rerank.kernels.MatMul.S;
import static dev.rerank.kernels.MatMul.TILE;

import dev.rerank.kernels.MatMul.Tile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;

/**
 * The innermost loops of {@link MatMul}: one 8-row activation tile × one weight panel over the whole
 * k range, with a tile of C held in registers. Which shape runs, and why those two, is
 * {@link MatMul.Tile}; why the 4 × 2 kernel also reads ahead into the next panel, and what that
 * measured, is in {@link MatMul}'s class comment.
 */
final class RegisterTiles {
    /** Rows per activation tile. */
    private static final int ROWS = ActivationTiles.ROWS;
    /** Floats of the touched panel per k step of one half tile: a new cache line every 8 k. */
    private static final int TOUCH_STEP = 2;
    /** k steps per 64-byte line of touched 16-bit patterns (2 bytes × TOUCH_STEP per k). */
    private static final int LINE_STEPS = 64 / (2 * TOUCH_STEP);
    /** Half-tile runs that together touch a whole panel. */
    private static final int TOUCH_RUNS = PANEL / TOUCH_STEP;
    /** Where the touched values go, so the JIT keeps the loads; never read. */
    private static int touched;

    private RegisterTiles() {}

    /**
     * Activation tile {@code tile} × one panel, in the register tile of this machine (see {@link MatMul.Tile}).
     * The 4 × 2 kernel's two halves are runs 2·tile and 2·tile + 1 of the read-ahead: run i touches
     * the 2·in values from next + (i mod TOUCH_RUNS)·2·in on, of {@code halves} (16-bit weights) or
     * else {@code weights}; the 8 × 3 kernel touches nothing.
     */
    static void rowTile(float[] packedA, int tile, float[] weights, int panel, float[] bias, int col,
                        float[] c, int o0, int stride, int in, MemorySegment halves, int next) {
        int t = tile * ROWS * in;
        int touch = next + (2 * tile % TOUCH_RUNS) * TOUCH_STEP * in;
        if (TILE == Tile.HALVES_4X2 && halves == null) {
            halfTile(packedA, t, 0, weights, panel, bias, col, c, o0, stride, in, touch);
            halfTile(packedA, t, 4, weights, panel, bias, col, c, o0 + 4 * stride, stride, in, touch + TOUCH_STEP * in);
        } else if (TILE == Tile.HALVES_4X2) {
            halfTileTouching16(packedA, t, 0, weights, panel, bias, col, c, o0, stride, in, halves, touch);
            halfTileTouching16(packedA, t, 4, weights, panel, bias, col, c, o0 + 4 * stride, stride, in, halves,
                    touch + TOUCH_STEP * in);
        } else {
            tile(packedA, t, weights, panel, bias, col, c, o0, stride, in);
        }
    }

    /**
     * Rows [t + first, t + first + 4) of an 8-row packed tile × one 2-vector panel: 8 accumulators,
     * 2 weight vectors and 4 broadcasts, 14 registers (see {@link MatMul.Tile}). Per k: 6 loads feed 8 FMAs,
     * and one more reads weights[touch + 2k], ahead of time (see the class comment).
     */
    private static void halfTile(float[] packedA, int t, int first, float[] weights, int panel, float[] bias, int col,
                                 float[] c, int o0, int stride, int in, int touch) {
        int sink = 0;
        final int o1 = o0 + 1 * stride;
        final int o2 = o0 + 2 * stride;
        final int o3 = o0 + 3 * stride;
        final FloatVector b0 = FloatVector.fromArray(S, bias, col);
        final FloatVector b1 = FloatVector.fromArray(S, bias, col + 1 * L);
        FloatVector c00 = b0; FloatVector c01 = b1;
        FloatVector c10 = b0; FloatVector c11 = b1;
        FloatVector c20 = b0; FloatVector c21 = b1;
        FloatVector c30 = b0; FloatVector c31 = b1;
        for (int k = 0; k < in; k++) {
            int wk = panel + k * PANEL;
            int ak = t + k * ROWS + first;
            sink += Float.floatToRawIntBits(weights[touch + TOUCH_STEP * k]);
            FloatVector w0 = FloatVector.fromArray(S, weights, wk);
            FloatVector w1 = FloatVector.fromArray(S, weights, wk + 1 * L);
            FloatVector x = FloatVector.broadcast(S, packedA[ak + 0]);
            c00 = x.fma(w0, c00); c01 = x.fma(w1, c01);
            x = FloatVector.broadcast(S, packedA[ak + 1]);
            c10 = x.fma(w0, c10); c11 = x.fma(w1, c11);
            x = FloatVector.broadcast(S, packedA[ak + 2]);
            c20 = x.fma(w0, c20); c21 = x.fma(w1, c21);
            x = FloatVector.broadcast(S, packedA[ak + 3]);
            c30 = x.fma(w0, c30); c31 = x.fma(w1, c31);
        }
        c00.intoArray(c, o0); c01.intoArray(c, o0 + 1 * L);
        c10.intoArray(c, o1); c11.intoArray(c, o1 + 1 * L);
        c20.intoArray(c, o2); c21.intoArray(c, o2 + 1 * L);
        c30.intoArray(c, o3); c31.intoArray(c, o3 + 1 * L);
        touched += sink;
    }

    /**
     * {@link #halfTile} for widened 16-bit weights: the same, except that it touches the next panel's
     * 16-bit patterns (off the heap, see {@link PackedMatrix}) which the next widening will read:
     * pattern touch + 2k for every 16th k, one per cache line of the 2·in it covers (where a run does
     * not start on a line, as when in is not a multiple of 16, the next run reads the line they
     * share, and at most a panel's last line goes untouched). Reading them
     * every k, as the float32 kernel does its array, cost 40% of this tile's speed (one thread, in
     * = 768, AVX2 EPYC, in one JVM): each MemorySegment read carries a bounds check that C2 keeps in
     * the loop. Once per line, behind a branch that is always predicted, it measured as fast as the
     * same loop reading a short[] every k. A method of its own because a shared one would carry both
     * touches' branch profile into the loop: with a float32 and a BF16 model alternating in one JVM
     * (workload a, one thread), BF16 measured 0.87× float32's throughput at the median that way,
     * 1.18× with the two methods.
     */
    private static void halfTileTouching16(float[] packedA, int t, int first, float[] weights, int panel, float[] bias, int col,
                                 float[] c, int o0, int stride, int in, MemorySegment halves, int touch) {
        int sink = 0;
        final int o1 = o0 + 1 * stride;
        final int o2 = o0 + 2 * stride;
        final int o3 = o0 + 3 * stride;
        final FloatVector b0 = FloatVector.fromArray(S, bias, col);
        final FloatVector b1 = FloatVector.fromArray(S, bias, col + 1 * L);
        FloatVector c00 = b0; FloatVector c01 = b1;
        FloatVector c10 = b0; FloatVector c11 = b1;
        FloatVector c20 = b0; FloatVector c21 = b1;
        FloatVector c30 = b0; FloatVector c31 = b1;
        for (int k = 0; k < in; k++) {
            int wk = panel + k * PANEL;
            int ak = t + k * ROWS + first;
            if ((k & (LINE_STEPS - 1)) == 0) {
                sink += halves.get(ValueLayout.JAVA_SHORT_UNALIGNED, 2L * (touch + TOUCH_STEP * k));
            }
            FloatVector w0 = FloatVector.fromArray(S, weights, wk);
            FloatVector w1 = FloatVector.fromArray(S, weights, wk + 1 * L);
            FloatVector x = FloatVector.broadcast(S, packedA[ak + 0]);
            c00 = x.fma(w0, c00); c01 = x.fma(w1, c01);
            x = FloatVector.broadcast(S, packedA[ak + 1]);
            c10 = x.fma(w0, c10); c11 = x.fma(w1, c11);
            x = FloatVector.broadcast(S, packedA[ak + 2]);
            c20 = x.fma(w0, c20); c21 = x.fma(w1, c21);
            x = FloatVector.broadcast(S, packedA[ak + 3]);
            c30 = x.fma(w0, c30); c31 = x.fma(w1, c31);
        }
        c00.intoArray(c, o0); c01.intoArray(c, o0 + 1 * L);
        c10.intoArray(c, o1); c11.intoArray(c, o1 + 1 * L);
        c20.intoArray(c, o2); c21.intoArray(c, o2 + 1 * L);
        c30.intoArray(c, o3); c31.intoArray(c, o3 + 1 * L);
        touched += sink;
    }

    /**
     * Rows [t, t + 8) of the packed activations × one 3-vector panel: c = bias + A·Wᵀ over all of k. The 24
     * accumulators are spelled out because that is how C2 keeps them in registers (an array of
     * vectors would live in memory). Per k: 3 weight loads and 8 broadcasts feed 24 FMAs.
     */
    private static void tile(float[] packedA, int t, float[] weights, int panel, float[] bias, int col,
                             float[] c, int o0, int stride, int in) {
        final int o1 = o0 + 1 * stride;
        final int o2 = o0 + 2 * stride;
        final int o3 = o0 + 3 * stride;
        final int o4 = o0 + 4 * stride;
        final int o5 = o0 + 5 * stride;
        final int o6 = o0 + 6 * stride;
        final int o7 = o0 + 7 * stride;
        final FloatVector b0 = FloatVector.fromArray(S, bias, col);
        final FloatVector b1 = FloatVector.fromArray(S, bias, col + 1 * L);
        final FloatVector b2 = FloatVector.fromArray(S, bias, col + 2 * L);
        FloatVector c00 = b0; FloatVector c01 = b1; FloatVector c02 = b2;
        FloatVector c10 = b0; FloatVector c11 = b1; FloatVector c12 = b2;
        FloatVector c20 = b0; FloatVector c21 = b1; FloatVector c22 = b2;
        FloatVector c30 = b0; FloatVector c31 = b1; FloatVector c32 = b2;
        FloatVector c40 = b0; FloatVector c41 = b1; FloatVector c42 = b2;
        FloatVector c50 = b0; FloatVector c51 = b1; FloatVector c52 = b2;
        FloatVector c60 = b0; FloatVector c61 = b1; FloatVector c62 = b2;
        FloatVector c70 = b0; FloatVector c71 = b1; FloatVector c72 = b2;
        for (int k = 0; k < in; k++) {
            int wk = panel + k * PANEL;
            int ak = t + k * ROWS;
            FloatVector w0 = FloatVector.fromArray(S, weights, wk);
            FloatVector w1 = FloatVector.fromArray(S, weights, wk + 1 * L);
            FloatVector w2 = FloatVector.fromArray(S, weights, wk + 2 * L);
            FloatVector x = FloatVector.broadcast(S, packedA[ak + 0]);
            c00 = x.fma(w0, c00); c01 = x.fma(w1, c01); c02 = x.fma(w2, c02);
            x = FloatVector.broadcast(S, packedA[ak + 1]);
            c10 = x.fma(w0, c10); c11 = x.fma(w1, c11); c12 = x.fma(w2, c12);
            x = FloatVector.broadcast(S, packedA[ak + 2]);
            c20 = x.fma(w0, c20); c21 = x.fma(w1, c21); c22 = x.fma(w2, c22);
            x = FloatVector.broadcast(S, packedA[ak + 3]);
            c30 = x.fma(w0, c30); c31 = x.fma(w1, c31); c32 = x.fma(w2, c32);
            x = FloatVector.broadcast(S, packedA[ak + 4]);
            c40 = x.fma(w0, c40); c41 = x.fma(w1, c41); c42 = x.fma(w2, c42);
            x = FloatVector.broadcast(S, packedA[ak + 5]);
            c50 = x.fma(w0, c50); c51 = x.fma(w1, c51); c52 = x.fma(w2, c52);
            x = FloatVector.broadcast(S, packedA[ak + 6]);
            c60 = x.fma(w0, c60); c61 = x.fma(w1, c61); c62 = x.fma(w2, c62);
            x = FloatVector.broadcast(S, packedA[ak + 7]);
            c70 = x.fma(w0, c70); c71 = x.fma(w1, c71); c72 = x.fma(w2, c72);
        }
        c00.intoArray(c, o0); c01.intoArray(c, o0 + 1 * L); c02.intoArray(c, o0 + 2 * L);
        c10.intoArray(c, o1); c11.intoArray(c, o1 + 1 * L); c12.intoArray(c, o1 + 2 * L);
        c20.intoArray(c, o2); c21.intoArray(c, o2 + 1 * L); c22.intoArray(c, o2 + 2 * L);
        c30.intoArray(c, o3); c31.intoArray(c, o3 + 1 * L); c32.intoArray(c, o3 + 2 * L);
        c40.intoArray(c, o4); c41.intoArray(c, o4 + 1 * L); c42.intoArray(c, o4 + 2 * L);
        c50.intoArray(c, o5); c51.intoArray(c, o5 + 1 * L); c52.intoArray(c, o5 + 2 * L);
        c60.intoArray(c, o6); c61.intoArray(c, o6 + 1 * L); c62.intoArray(c, o6 + 2 * L);
        c70.intoArray(c, o7); c71.intoArray(c, o7 + 1 * L); c72.intoArray(c, o7 + 2 * L);
    }
}
