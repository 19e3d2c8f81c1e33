package dev.rerank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintStream;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private static final PrintStream NOWHERE = new PrintStream(OutputStream.nullOutputStream());

    @Test
    void noRateOrEtaBeforeHalfASecond() {
        Progress bar = Progress.drawingInto(NOWHERE, "converting", 4 << 20, Progress.Unit.BYTES);
        // A small file read in a millisecond: no "4000.0 MB/s", no ETA made from it.
        assertEquals("\rconverting [############            ] 2.0 MB / 4.0 MB  --/s  ETA --", bar.frame(2 << 20, 0.001));
        assertEquals("\rconverting [############            ] 2.0 MB / 4.0 MB  1.0 MB/s  ETA 2s", bar.frame(2 << 20, 2.0));
    }

    @Test
    void countsWithoutTotal() {
        Progress bar = Progress.drawingInto(NOWHERE, "scoring", -1, Progress.Unit.PAIRS);
        assertEquals("\rscoring 10 pairs  --/s", bar.frame(10, 0.2));
        assertEquals("\rscoring 300 pairs  100/s", bar.frame(300, 3.0));
    }
}
