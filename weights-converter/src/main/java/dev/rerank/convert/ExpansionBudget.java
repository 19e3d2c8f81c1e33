package dev.rerank.convert;

import java.nio.file.Path;

/**
 * How many bytes reading one checkpoint file may allocate for what it unpacks — inflated zip
 * entries and the contiguous copies of its tensors — in proportion to the file's own size.
 *
 * <p>A real checkpoint unpacks to about twice its size (its storages, then one copy of each
 * tensor; tied weights add a little). A crafted one can claim far more from a few bytes: a zip
 * entry that inflates a thousandfold, or a view with stride 0 that repeats one element a billion
 * times. Charging every allocation here first makes that an error, in time and memory linear in
 * the file, rather than an out-of-memory after gigabytes.
 */
final class ExpansionBudget {
    /** Bytes unpacked per byte of file: eight times what any real checkpoint needs. */
    static final long FACTOR = 16;
    /** Always allowed, so small files with honestly expanded (stride-0) tensors still convert. */
    static final long ALLOWANCE = 64L << 20;

    private final Path file;
    private final long total;
    private long left;

    ExpansionBudget(Path file, long fileBytes) {
        this.file = file;
        this.total = fileBytes > (Long.MAX_VALUE - ALLOWANCE) / FACTOR ? Long.MAX_VALUE : FACTOR * fileBytes + ALLOWANCE;
        this.left = total;
    }

    /** Takes {@code bytes} for {@code what}, or fails naming the file if the budget is spent. */
    void charge(long bytes, String what) {
        if (bytes > left) {
            throw new CheckpointException(file + ": " + what + " needs " + bytes + " bytes, past the " + total
                    + " that a file of this size may unpack to (" + FACTOR + "x its size + "
                    + (ALLOWANCE >> 20) + " MiB); the file is corrupt or crafted");
        }
        left -= bytes;
    }
}
