package dev.rerank.cli;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar on stderr, drawn only when stderr is a terminal (never into pipes or logs). */
final class Progress {
    private static final Progress NONE = new Progress(null, "", -1);
    private final PrintStream out;
    private final String label;
    private final long total;
    private final long started = System.nanoTime();
    private long lastDraw;

    private Progress(PrintStream out, String label, long total) {
        this.out = out;
        this.label = label;
        this.total = total;
    }

    static boolean terminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    /** A bar for {@code total} units (bytes, or pairs), or a silent one when not on a terminal. */
    static Progress start(PrintStream out, String label, long total) {
        return out != null && terminal() ? new Progress(out, label, total) : NONE;
    }

    void update(long done) {
        if (out == null) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < 100_000_000L && done != total) {
            return;
        }
        lastDraw = now;
        double seconds = Math.max(1e-9, (now - started) / 1e9);
        double rate = done / seconds;
        StringBuilder line = new StringBuilder("\r").append(label).append(' ');
        if (total > 0) {
            int width = 24;
            int filled = (int) (width * Math.min(1.0, (double) done / total));
            line.append('[').append("#".repeat(filled)).append(" ".repeat(width - filled)).append("] ");
            line.append(String.format(Locale.ROOT, "%s / %s  %s/s  ETA %ds", human(done), human(total), human((long) rate),
                    rate > 0 ? (long) ((total - done) / rate) : 0));
        } else {
            line.append(String.format(Locale.ROOT, "%s  %s/s", human(done), human((long) rate)));
        }
        out.print(line);
        out.flush();
    }

    void finish() {
        if (out != null) {
            out.print("\r\033[K");
            out.flush();
        }
    }

    private String human(long n) {
        if (label.endsWith("pairs")) {
            return Long.toString(n);
        }
        if (n >= 1 << 20) {
            return String.format(Locale.ROOT, "%.1f MB", n / 1048576.0);
        }
        return String.format(Locale.ROOT, "%.1f kB", n / 1024.0);
    }
}
