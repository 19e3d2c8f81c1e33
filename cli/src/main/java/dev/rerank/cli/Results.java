package dev.rerank.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.rerank.serve.ModelNumbers;
import java.io.PrintStream;

/**
 * Where predict, rank and embed write their results (stdout), with two rules:
 * <ul>
 * <li>A number the model computed that is not finite (NaN weights) is written as the server writes
 *     it ({@link ModelNumbers}): {@code null}, with an {@code "error"} field on its line. The
 *     output stays valid JSON, one line per input, and the command exits 1 at the end.</li>
 * <li>The first write error (the reader of a pipe went away, as {@code | head -1} does) stops the
 *     command at the next {@link #checkpoint()}, instead of scoring every remaining input for
 *     nobody: {@link Main} exits with {@link #CLOSED_STATUS} and says nothing.</li>
 * </ul>
 */
final class Results {
    /** The status of a command whose output was closed: 128 + SIGPIPE, what a shell reports for a tool the pipe killed. */
    static final int CLOSED_STATUS = 141;

    /** The output went away; nothing more can be said on it. */
    static final class Closed extends RuntimeException {
        Closed() {
            super("standard output was closed", null, false, false);
        }
    }

    /** Some results were not finite numbers (and were written as null with an "error"). */
    static final class NotFinite extends RuntimeException {
        NotFinite(int count) {
            super(count + (count == 1 ? " result is" : " results are") + " not a finite number (written as null with an \"error\"): "
                    + "the model computes NaN or infinity; check its weights");
        }
    }

    private final PrintStream out;
    private int notFinite;

    Results(PrintStream out) {
        this.out = out;
    }

    /** Writes {@code line}; {@code numbers} are the model's numbers on it, which decide its "error" field. */
    void json(JsonObject line, float[]... numbers) {
        count(ModelNumbers.flagNotFinite(line, numbers));
        out.println(line);
    }

    /** Writes a JSON value that is not one line per input (rank --json), counting its flagged entries. */
    void json(JsonElement value, int flagged) {
        notFinite += flagged;
        out.println(value);
    }

    /** Writes a plain text line showing {@code number}, which is counted when it is not finite. */
    void text(String line, float number) {
        count(!Float.isFinite(number));
        out.println(line);
    }

    /** Writes a plain text line that holds no number of the model's. */
    void text(String line) {
        out.println(line);
    }

    private void count(boolean flagged) {
        if (flagged) {
            notFinite++;
        }
    }

    /** Flushes what was written; throws {@link Closed} once a write has failed. */
    void checkpoint() {
        if (out.checkError()) {
            throw new Closed();
        }
    }

    /** The end of the command: flushes, and fails with {@link NotFinite} if any result was not finite. */
    void finish() {
        checkpoint();
        if (notFinite > 0) {
            throw new NotFinite(notFinite);
        }
    }
}
