package dev.rerank.benchmarks;

import dev.rerank.CrossEncoder.Pair;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/** The STS Benchmark test split (testdata/stsb/sts-test.csv: TAB-separated, sentences in columns 6 and 7). */
final class Stsb {
    private Stsb() {}

    /** All 1,379 test pairs, in file order. */
    static List<Pair> pairs() throws IOException {
        List<Pair> out = new ArrayList<>();
        for (String[] f : rows()) {
            out.add(new Pair(f[5], f[6]));
        }
        return out;
    }

    /** All 2,758 test sentences: each pair's first, then its second, in file order. */
    static List<String> sentences() throws IOException {
        List<String> out = new ArrayList<>();
        for (String[] f : rows()) {
            out.add(f[5]);
            out.add(f[6]);
        }
        return out;
    }

    private static List<String[]> rows() throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(SyntheticModel.testdata().resolve("stsb/sts-test.csv"))) {
            String[] f = line.split("\t", -1);
            if (f.length >= 7) {
                rows.add(f);
            }
        }
        return rows;
    }
}
