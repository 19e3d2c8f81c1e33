package dev.rerank.cli;

import dev.rerank.convert.ConversionProgress;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Draws a conversion's progress on stderr (when it is a terminal): one bar while the source is
 * read, then one while the safetensors file is written. A --dtype change of a converted checkpoint
 * is a second read and write, and gets its own pair of bars.
 */
final class ConversionBars implements ConversionProgress, AutoCloseable {
    private final PrintStream err;
    private Step step;
    private Progress bar;

    ConversionBars(PrintStream err) {
        this.err = err;
    }

    @Override
    public void update(Step step, long done, long total) {
        if (bar == null && step == this.step && done >= total) {
            return; // this step's bar is finished and cleared already; a repeated last count draws no second one
        }
        if (bar == null || step != this.step) {
            close();
            this.step = step;
            bar = Progress.start(err, step.name().toLowerCase(Locale.ROOT), total, Progress.Unit.BYTES);
        }
        bar.update(done);
        if (done >= total) {
            close();
        }
    }

    /** Clears a bar still drawn, as when the conversion failed half-way (its error line follows). */
    @Override
    public void close() {
        if (bar != null) {
            bar.finish();
            bar = null;
        }
    }
}
