package dev.rerank.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * C = A · Wᵀ + b for activations A[rows][in] and a packed weight matrix W[out][in]: every Linear
 * layer of the model.
 *
 * <p>The inner kernel ({@link RegisterTiles}) keeps a tile of C in registers: for each k it loads
 * the panel's weight vectors and broadcasts one activation per row, so every value loaded feeds
 * several FMAs. The tile's shape follows the register file (see {@link Tile}). The activations are first copied into
 * tiles of 8 rows, interleaved by k ({@link ActivationTiles}); the kernel then reads its rows
 * through one index with constant offsets, where reading separate rows would cost C2 an address
 * computation per row per k — enough extra instructions to leave the FMA units idle a quarter of
 * the time. A last, partial tile is padded with zero rows and computed into a small buffer, so
 * every row goes through the same kernel.
 *
 * <p>For each panel, every tile runs the whole k range in one go: the panel's weights are read
 * from memory by the first tile and from L2 by the others, while the tiles' activations stream
 * past. Blocking k so that a slice of the panel fits L1 was measured slower (with AVX-512 and
 * with AVX2): each block costs a store and reload of the C tile, and the shorter runs keep the
 * hardware prefetchers from getting ahead of the weight stream. Rows, though, are blocked: a
 * batch's activations are multiplied about 2 MB at a time ({@link #blockRows}), so the block
 * that every panel streams past stays in cache, at the price of reading W once per block. Without
 * it, a 2,048-token batch streamed its whole 25 MB FFN activation from memory once for each of the
 * 48 panels of the 3072 → 768 product: the race's workloads b and c (2,048 tokens, one thread, AVX2
 * EPYC) took 2,568–2,712 ms (best of 6 rounds), 2,170–2,256 ms with blocks of 2 MB (1 MB: 2,550; 4 MB: 2,183).
 * Every element of C is accumulated
 * in the same order (bias, then k = 0, 1, ...) whichever tile, tile shape or thread computes it,
 * so results do not depend on batch composition, thread count or machine. Threads split the
 * panels, so each reads only its share of W.
 *
 * <p>A small batch pays for the weights' trip from memory: at 32 rows each weight feeds only 32
 * FMAs, and the first tile to reach a panel asks for it four times faster than memory delivers
 * (about 46 GB/s against the 11 GB/s one core of the AVX2 EPYC streams), then the other tiles
 * find it in cache. So each half tile also reads one value per k from the next panel, a cache line
 * every 8 k: eight runs touch all of it, spread over the time the current panel computes, and the
 * hardware prefetchers, seeing a steady stream, bring the rest ahead. Workload a (1 pair × 32
 * tokens), alternating with and without in one JVM: 10% faster at the median with 1 and with 2
 * threads, faster in 42 and 43 of 45 rounds; no change at 2,048 tokens, where a panel serves 256
 * tiles. The touch is one load and one add per k beside six loads and eight FMAs, and goes to the
 * current panel when there is no next one. For 16-bit weights it reads the next panel's 16-bit
 * patterns, one per cache line (see {@link RegisterTiles}), so the widening finds them in cache:
 * workload a with BF16 weights 14% faster at the median with one thread, 8% with two (faster in 24
 * and 26 of 30 rounds; measured when it read one pattern per k, from an array).
 *
 * <p>16-bit weights (F16, BF16) are widened one panel at a time into a per-thread float buffer,
 * which every tile then reads as it would a float32 panel: the stream from memory is half as many
 * bytes, the widening is paid once per panel rather than once per tile (its shifts and blends would
 * otherwise compete with the FMAs for the same ports), and the widened panel is what the float32
 * kernel would have read from L2 anyway. Widening is exact, so results are bit for bit those of
 * float32 weights holding the same values.
 */
public final class MatMul {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    /**
     * The register tile: rows × vectors of C held in registers while k runs.
     *
     * <p>C2 loads the weight vectors and all of a k step's broadcasts before the FMAs that use
     * them, so a tile needs rows × vectors accumulators + vectors + rows registers; when that
     * exceeds the register file, C2 keeps some accumulators on the stack, and each of those FMAs
     * then waits for a store and a reload every k (read in the JIT's disassembly on AVX2). With
     * AVX2's 16 registers that capped every shape tried at 28–41% of the FMA peak — 8 × 3 and
     * 4 × 3 (19 registers), 5 × 2 (17), 3 × 4 — while the shapes that fit reached 75–90%: 4 × 2
     * (14) and 3 × 3 (15) at 82–92%, 2 × 4 at 75% (2-core AMD EPYC, AVX2, one thread, 64 rows,
     * in/out 768/768, 768/3072, 384/1536, 1536/384, best of 20, peak 100 GFLOP/s in the same
     * process). 4 × 2 runs an 8-row activation tile as two halves, so it needs no other layout.
     * AVX-512's 32 registers hold 8 × 3 (35 with the loads, a few spills at most): that shape
     * measured 1.1–1.2× ONNX Runtime on an Intel Xeon, and stays there until measured otherwise.
     * {@code -Drerank.matmul.tile=8x3|4x2} forces either, so the tests run both on every machine.
     */
    enum Tile {
        /** 4 rows × 2 vectors, twice per 8-row activation tile: 8 accumulators. */
        HALVES_4X2(2),
        /** 8 rows × 3 vectors: 24 accumulators. */
        FULL_8X3(3);

        final int vectors;

        Tile(int vectors) {
            this.vectors = vectors;
        }

        static Tile select() {
            String forced = System.getProperty("rerank.matmul.tile");
            if (forced == null) {
                return L <= 8 ? HALVES_4X2 : FULL_8X3;
            }
            return switch (forced) {
                case "4x2" -> HALVES_4X2;
                case "8x3" -> FULL_8X3;
                default -> throw new IllegalArgumentException("rerank.matmul.tile must be 4x2 or 8x3, not " + forced);
            };
        }
    }

    static final Tile TILE = Tile.select();
    /** Output columns per packed panel: the width of the register tile. */
    public static final int PANEL = TILE.vectors * L;
    /** Rows per activation tile. */
    private static final int ROWS = ActivationTiles.ROWS;
    /** Activations per row block, 2 MB of them (see {@link #blockRows} and the class comment). */
    static final int BLOCK_FLOATS = 1 << 19;
    /**
     * Whether the 4 × 2 kernel reads ahead into the next float32 panel (see the class comment);
     * {@code -Drerank.matmul.touch=false} turns it off, to measure it. Results are the same either way.
     */
    static final boolean TOUCH = !"false".equals(System.getProperty("rerank.matmul.touch"));

    private static final ThreadLocal<float[]> WIDENED = ThreadLocal.withInitial(() -> new float[0]);

    private MatMul() {}

    /** Floats of scratch that {@link #multiply} needs for {@code rows} rows of {@code in} inputs. */
    public static int scratchSize(int rows, int in) {
        return ActivationTiles.size(Math.min(rows, blockRows(in)), in);
    }

    /**
     * Rows multiplied together: about {@link #BLOCK_FLOATS} activations, at least 64 rows, a whole
     * number of tiles.
     */
    static int blockRows(int in) {
        return Math.max(64, BLOCK_FLOATS / in / ROWS * ROWS);
    }

    /**
     * c[r * out + j] = bias[j] + Σ_k a[r * in + k] · W[j][k], for r &lt; rows. {@code scratch} holds
     * at least {@link #scratchSize}(rows, in) floats; its contents are overwritten.
     */
    public static void multiply(float[] a, int rows, PackedMatrix w, float[] c, float[] scratch, Parallel parallel) {
        multiplyColumns(a, rows, w, 0, w.out, c, w.out, scratch, parallel);
    }

    /**
     * Columns [from, to) of C alone: c[r * stride + j] = bias[j] + Σ_k a[r * in + k] · W[j][k] for
     * from ≤ j &lt; to and r &lt; rows; the other columns of c are left as they are. Every value is
     * computed exactly as it would be in the whole product, bit for bit.
     */
    public static void multiplyColumns(float[] a, int rows, PackedMatrix w, int from, int to, float[] c, int stride,
                                       float[] scratch, Parallel parallel) {
        if (from < 0 || from > to || to > w.out) {
            throw new IllegalArgumentException("columns [" + from + ", " + to + ") are not a range within " + w.out + " outputs");
        }
        if (stride < to) {
            throw new IllegalArgumentException("a row stride of " + stride + " is narrower than columns [" + from + ", " + to + ")");
        }
        if ((long) rows * w.in > a.length || rows > 0 && (long) (rows - 1) * stride + to > c.length) {
            throw new IllegalArgumentException("buffers too small for " + rows + " rows");
        }
        if (scratch.length < scratchSize(rows, w.in)) {
            throw new IllegalArgumentException("scratch has " + scratch.length + " floats, needs " + scratchSize(rows, w.in));
        }
        if (from == to) {
            return;
        }
        // The panels wholly inside the range are computed straight into c. A panel the range starts
        // or ends inside is computed whole into a buffer (the packed weights are padded to whole
        // panels), so the kernel never needs masked stores, and only the range's columns are kept:
        // at most two panels go through a buffer, whatever the range's width.
        int firstWhole = (from + PANEL - 1) / PANEL;
        int endWhole = to / PANEL;
        if (firstWhole < endWhole) {
            rowBlocks(a, rows, w, firstWhole, endWhole, c, stride, 0, scratch, parallel);
        }
        if (from % PANEL != 0) {
            edgePanel(a, rows, w, from / PANEL, from, to, c, stride, scratch, parallel);
        }
        if (to % PANEL != 0 && (from % PANEL == 0 || to / PANEL != from / PANEL)) {
            edgePanel(a, rows, w, to / PANEL, from, to, c, stride, scratch, parallel);
        }
    }

    /** The columns of range [from, to) that lie in panel p, by way of a buffer holding the whole panel. */
    private static void edgePanel(float[] a, int rows, PackedMatrix w, int p, int from, int to, float[] c, int stride,
                                  float[] scratch, Parallel parallel) {
        int lo = Math.max(from, p * PANEL);
        int hi = Math.min(to, (p + 1) * PANEL);
        float[] panel = new float[rows * PANEL];
        rowBlocks(a, rows, w, p, p + 1, panel, PANEL, p * PANEL, scratch, parallel);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(panel, r * PANEL + lo - p * PANEL, c, r * stride + lo, hi - lo);
        }
    }

    /**
     * Panels [firstPanel, endPanel) of C, a row block at a time (see {@link #blockRows}): column j
     * of row r goes to c[r * stride + j - shift].
     */
    private static void rowBlocks(float[] a, int rows, PackedMatrix w, int firstPanel, int endPanel, float[] c, int stride,
                                  int shift, float[] scratch, Parallel parallel) {
        int block = blockRows(w.in);
        for (int first = 0; first < rows; first += block) {
            int from = first;
            int n = Math.min(block, rows - first);
            parallel.forRange(ActivationTiles.tiles(n), (t0, t1) -> ActivationTiles.pack(a, from, n, w.in, scratch, t0, t1));
            parallel.forRange(endPanel - firstPanel,
                    (p0, p1) -> panels(scratch, n, w, firstPanel + p0, firstPanel + p1, c, from * stride - shift, stride));
        }
    }

    /** Panels [from, to) of C for {@code rows} packed rows, written from c[offset] on. */
    private static void panels(float[] packed, int rows, PackedMatrix w, int from, int to, float[] c, int offset, int stride) {
        int full = rows / ROWS;
        int partialRows = rows - full * ROWS;
        float[] partial = partialRows == 0 ? null : new float[ROWS * PANEL];
        int panelSize = PANEL * w.in;
        float[] widened = w.data != null ? null : widenedPanel(panelSize);
        for (int p = from; p < to; p++) {
            int col = p * PANEL;
            float[] weights = w.data;
            int panel = p * panelSize;
            if (widened != null) {
                HalfFloats.widen(w.format, w.halves, panel, widened, 0, panelSize);
                weights = widened;
                panel = 0;
            }
            // The next panel's weights, if any, are touched while this one is computed: the float32
            // ones, or the 16-bit ones the next widening will read (same layout, same indices).
            int next = p * panelSize + (TOUCH && p + 1 < w.panels() ? panelSize : 0);
            for (int t = 0; t < full; t++) {
                RegisterTiles.rowTile(packed, t, weights, panel, w.bias, col, c, offset + t * ROWS * stride + col, stride, w.in,
                        w.halves, next);
            }
            if (partial != null) {
                RegisterTiles.rowTile(packed, full, weights, panel, w.bias, col, partial, 0, PANEL, w.in, w.halves, next);
                for (int i = 0; i < partialRows; i++) {
                    System.arraycopy(partial, i * PANEL, c, offset + (full * ROWS + i) * stride + col, PANEL);
                }
            }
        }
    }

    /** This thread's buffer for one widened panel, kept from call to call (a fresh one would cost its zeroing). */
    private static float[] widenedPanel(int size) {
        float[] b = WIDENED.get();
        if (b.length < size) {
            b = new float[size];
            WIDENED.set(b);
        }
        return b;
    }
}
