package dev.rerank.convert;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/**
 * The {@link ConversionProgress.Step#READING READING} count of one conversion: bytes of its source
 * files, summed over all of them (a sharded checkpoint reads several), against their total size.
 */
final class ReadProgress {
    /** Big enough that reading stays one system call in a thousand, small enough that the bar moves. */
    private static final int CHUNK = 8 << 20;

    private final ConversionProgress listener;
    private final long total;
    private long done;

    private ReadProgress(ConversionProgress listener, long total) {
        this.listener = listener;
        this.total = total;
    }

    /** A count over {@code files}; one that cannot be sized counts as empty (reading it names the problem). */
    static ReadProgress over(ConversionProgress listener, Collection<Path> files) {
        long total = 0;
        for (Path f : files) {
            try {
                total += Files.isRegularFile(f) ? Files.size(f) : 0;
            } catch (IOException e) {
                // Reading the file fails with its own clear message.
            }
        }
        return new ReadProgress(listener, total);
    }

    /**
     * {@code bytes} more are read. Never past the total: a file that grows while it is read must
     * not draw a bar beyond 100%.
     */
    void advance(long bytes) {
        done = Math.min(total, done + Math.max(0, bytes));
        listener.update(ConversionProgress.Step.READING, done, total);
    }

    /** All of {@code file} ({@code size} bytes, checked by the caller), read in chunks so the count moves. */
    static byte[] readAll(Path file, long size, java.util.function.LongConsumer bytesRead) throws IOException {
        byte[] data = new byte[Math.toIntExact(size)];
        try (InputStream in = Files.newInputStream(file)) {
            int at = 0;
            while (at < data.length) {
                int n = in.readNBytes(data, at, Math.min(CHUNK, data.length - at));
                if (n == 0) {
                    throw new IOException("the file shrank while it was read (" + at + " of " + size + " bytes)");
                }
                at += n;
                bytesRead.accept(n);
            }
        }
        return data;
    }
}
