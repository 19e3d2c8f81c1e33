package dev.rerank.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal: never into pipes or
 * logs, where {@code \r} frames would be noise. stdout does not matter (predict's results may go
 * to a file while the bar shows).
 */
final class Progress {
    /** What the bar counts. */
    enum Unit { BYTES, PAIRS, TEXTS }

    /** Set by the ./rerank launcher, which pipes java's stderr and so knows better than java. */
    static final String TERMINAL_PROPERTY = "rerank.stderr.terminal";
    private static final Progress NONE = new Progress(null, "", -1, Unit.BYTES);

    private final PrintStream out;
    private final String label;
    private final long total;
    private final Unit unit;
    private final long started = System.nanoTime();
    private long lastDraw;

    private Progress(PrintStream out, String label, long total, Unit unit) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.unit = unit;
    }

    /** Whether this process's stderr is a terminal. */
    static boolean stderrIsTerminal() {
        String told = System.getProperty(TERMINAL_PROPERTY);
        if (told != null) {
            return Boolean.parseBoolean(told);
        }
        Path fd = Path.of("/proc/self/fd/2");
        if (Files.isSymbolicLink(fd)) {
            try {
                String target = Files.readSymbolicLink(fd).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (IOException e) {
                return false;
            }
        }
        // No /proc (macOS, Windows): Console.isTerminal() looks at stdin and stdout, the best left.
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    /** A bar for {@code total} units (-1: unknown), or a silent one when stderr is not a terminal. */
    static Progress start(PrintStream out, String label, long total, Unit unit) {
        return out != null && stderrIsTerminal() ? new Progress(out, label, total, unit) : NONE;
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
        out.print(frame(done, (now - started) / 1e9));
        out.flush();
    }

    /**
     * One frame after {@code seconds}: the count, and — once half a second has passed — the rate
     * and the time left (the first frames of a small file would otherwise report millions of MB/s).
     */
    String frame(long done, double seconds) {
        boolean timed = seconds >= 0.5;
        double rate = timed ? done / seconds : 0;
        String perSecond = timed ? human((long) rate) + "/s" : "--/s";
        StringBuilder line = new StringBuilder("\r").append(label).append(' ');
        if (total > 0) {
            int width = 24;
            int filled = (int) (width * Math.min(1.0, (double) done / total));
            line.append('[').append("#".repeat(filled)).append(" ".repeat(width - filled)).append("] ");
            String eta = rate > 0 ? "ETA " + (long) ((total - done) / rate) + "s" : "ETA --";
            line.append(String.format(Locale.ROOT, "%s / %s%s  %s  %s", human(done), human(total), countUnit(), perSecond, eta));
        } else {
            line.append(String.format(Locale.ROOT, "%s%s  %s", human(done), countUnit(), perSecond));
        }
        return line.toString();
    }

    /** A bar that draws into {@code out} whatever stderr is: for tests of its frames. */
    static Progress drawingInto(PrintStream out, String label, long total, Unit unit) {
        return new Progress(out, label, total, unit);
    }

    void finish() {
        if (out != null) {
            out.print("\r\033[K");
            out.flush();
        }
    }

    /** " pairs" or " lines" after a count; bytes carry their unit in each number. */
    private String countUnit() {
        return unit == Unit.BYTES ? "" : " " + unit.name().toLowerCase(Locale.ROOT);
    }

    private String human(long n) {
        if (unit != Unit.BYTES) {
            return Long.toString(n);
        }
        if (n >= 1 << 20) {
            return String.format(Locale.ROOT, "%.1f MB", n / 1048576.0);
        }
        return String.format(Locale.ROOT, "%.1f kB", n / 1024.0);
    }
}
