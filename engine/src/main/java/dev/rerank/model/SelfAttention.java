package dev.rerank.model;

import dev.rerank.kernels.Attention;
import dev.rerank.kernels.MatMul;
import dev.rerank.kernels.PackedMatrix;
import dev.rerank.kernels.Parallel;
import dev.rerank.kernels.Rotary;

/**
 * Multi-head self-attention: project to queries, keys and values (one fused matrix multiply),
 * normalize and rotate them where the recipe says, attend within each sequence and head, then
 * project the concatenated heads back.
 */
final class SelfAttention {
    private final PackedMatrix projection; // [queries | keys | values]
    private final PackedMatrix output;
    private final Attention.Layout layout;
    private final Norm queryNorm;          // per head, or NONE
    private final Norm keyNorm;
    private final Rotary rotary;           // null: positions come from the embeddings
    private final Attention.Mask mask;
    private final float[][] bias;          // per head, by key − query distance; null: none

    SelfAttention(PackedMatrix projection, PackedMatrix output, Attention.Layout layout, Norm queryNorm, Norm keyNorm,
                  Rotary rotary, Attention.Mask mask, float[][] bias) {
        this.projection = projection;
        this.output = output;
        this.layout = layout;
        this.queryNorm = queryNorm;
        this.keyNorm = keyNorm;
        this.rotary = rotary;
        this.mask = mask;
        this.bias = bias;
    }

    /**
     * context[row] = the heads' attention-weighted values, side by side, for each row
     * {@code rows} selects: softmax(q·Kᵀ/√d + bias)·V with q from that token and K, V from the
     * tokens of its sequence the mask lets it see. {@code x} holds every token's input and
     * {@code selectedX} its selected rows (x itself when every token is selected). The workspace
     * lends the fused projection's buffer, the packed copy of the input and per-thread scratch.
     */
    void attend(float[] x, float[] selectedX, TokenBatch batch, RowSelection rows, float[] context, Workspace ws,
                Parallel parallel) {
        int width = layout.stride();
        int queries = layout.contextWidth();
        float[] qkv = ws.qkv;
        if (rows == RowSelection.EVERY_TOKEN) {
            MatMul.multiply(x, batch.tokens(), projection, qkv, ws.packed, parallel);
        } else {
            // One row per sequence asks: keys and values for every token, queries for those rows
            // alone. Each value is the same, bit for bit, as in the fused product of every token.
            MatMul.multiplyColumns(x, batch.tokens(), projection, queries, width, qkv, width, ws.packed, parallel);
            MatMul.multiplyColumns(selectedX, batch.sequences(), projection, 0, queries, ws.selectedQueries, queries,
                    ws.packed, parallel);
            for (int s = 0; s < batch.sequences(); s++) {
                System.arraycopy(ws.selectedQueries, s * queries, qkv, rows.source(batch, s) * width, queries);
            }
        }
        normalizeAndRotate(qkv, batch, rows, parallel);
        int heads = layout.heads();
        int tasks = batch.sequences() * heads;
        // One share of the (sequence, head) tasks per thread, each share with a scratch buffer of its own.
        parallel.forRange(parallel.threads(), (from, to) -> {
            for (int worker = from; worker < to; worker++) {
                int first = (int) ((long) tasks * worker / parallel.threads());
                int last = (int) ((long) tasks * (worker + 1) / parallel.threads());
                for (int t = first; t < last; t++) {
                    int h = t % heads;
                    Attention.head(qkv, layout, h, rows.span(batch, t / heads), mask, bias == null ? null : bias[h],
                            context, ws.attentionScratch[worker]);
                }
            }
        });
    }

    /** Queries (of the selected rows) and keys (of every token): per-head norms, then the rotation by position. */
    private void normalizeAndRotate(float[] qkv, TokenBatch batch, RowSelection rows, Parallel parallel) {
        int width = layout.stride();
        int d = layout.headSize();
        int keys = layout.contextWidth();
        keyNorm.applyPerHead(qkv, 0, batch.tokens(), width, keys, layout.keyValueHeads(), parallel);
        if (rows == RowSelection.EVERY_TOKEN) {
            queryNorm.applyPerHead(qkv, 0, batch.tokens(), width, 0, layout.heads(), parallel);
        } else {
            for (int s = 0; s < batch.sequences(); s++) {
                int row = rows.source(batch, s);
                queryNorm.applyPerHead(qkv, row, row + 1, width, 0, layout.heads(), parallel);
            }
        }
        if (rotary == null) {
            return;
        }
        rotary.ensure(batch.longest());
        boolean everyQuery = rows == RowSelection.EVERY_TOKEN;
        parallel.forRange(batch.tokens(), (from, to) -> {
            for (int row = from; row < to; row++) {
                int s = batch.sequenceOf(row);
                int position = row - batch.start(s);
                for (int h = 0; h < layout.keyValueHeads(); h++) {
                    rotary.rotate(qkv, row * width + keys + h * d, position);
                }
                if (everyQuery || row == rows.source(batch, s)) {
                    for (int h = 0; h < layout.heads(); h++) {
                        rotary.rotate(qkv, row * width + h * d, position);
                    }
                }
            }
        });
    }

    /** out = context · W_o (+ b_o) for {@code rows} rows of context. */
    void project(float[] context, int rows, float[] out, float[] packed, Parallel parallel) {
        MatMul.multiply(context, rows, output, out, packed, parallel);
    }
}
