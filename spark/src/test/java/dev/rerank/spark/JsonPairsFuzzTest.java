package dev.rerank.spark;

import dev.rerank.testkit.Fuzz;
import dev.rerank.testkit.Mutator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The fuzz pass over the Spark job's input path (issue 28): mutated JSON Lines go through
 * {@link JsonPairs#parse} line by line, as the job reads them. A line never fails the job: it
 * becomes a row with both texts and no error, or a row with an {@code input_error} of a short
 * message — within the harness's time and memory bounds, never an exception.
 *
 * <p>CI runs {@link Fuzz#INPUTS} inputs; the long run is {@code mvn -B -pl tokenizer,engine,weights-converter,spark
 * test-compile surefire:test@default-test -Dsurefire.failIfNoSpecifiedTests=false -Dtest='JsonPairsFuzzTest'
 * -Drerank.fuzz.inputs=1000000}.
 */
class JsonPairsFuzzTest {
    private static final List<String> SEEDS = List.of(
            "{\"a\": \"A man is eating.\", \"b\": \"A man eats food.\"}",
            "{\"b\": \"second first\", \"a\": \"\\u00e9t\\u00e9 \\ud83d\\ude00\", \"extra\": [1, {\"x\": null}]}",
            "{\"a\": \"x\"}\n{\"a\": 5, \"b\": \"y\"}\n[1, 2]\nnot json",
            "{\"a\": \"tab\\tnewline\\n\", \"b\": \"" + "long ".repeat(50) + "\"}");

    /** Every line of the input, as the job splits it; the invariant is checked on each row. */
    private static void parseAll(byte[] input) {
        for (String line : new String(input, StandardCharsets.UTF_8).split("\n", -1)) {
            Row row = JsonPairs.parse(line);
            String a = row.getString(0);
            String b = row.getString(1);
            String error = row.getString(2);
            if (error == null ? a == null || b == null : error.length() > Fuzz.MAX_MESSAGE) {
                throw new AssertionError("row does not hold together: " + row);
            }
        }
    }

    @Test
    void jsonLines() throws Exception {
        Fuzz f = new Fuzz("spark-json-lines", JsonPairsFuzzTest::parseAll);
        List<byte[]> seeds = SEEDS.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        Fuzz.assertClean(f.replay(Path.of(System.getProperty("rerank.testdata", "../testdata"), "fuzz-corpus", "spark-json-lines")));
        Fuzz.assertClean(f.run(seeds, Fuzz.INPUTS, Fuzz.SEED, (m, ab) -> m.coin()
                ? m.json(new String(ab[0], StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8) : m.bytes(ab[0], ab[1])));
    }
}
