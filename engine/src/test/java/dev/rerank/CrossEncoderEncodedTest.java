package dev.rerank;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rerank.CrossEncoder.Pair;
import dev.rerank.tokenizer.Encoding;
import dev.rerank.tokenizer.Truncation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scoring pairs the caller encoded gives exactly what scoring the texts gives. */
class CrossEncoderEncodedTest {
    @Test
    void logitsOfEncodingsEqualPredictOfThePairs() {
        try (CrossEncoder model = CrossEncoder.builder(TestData.file("models/tiny-roberta")).threads(2).batchSize(3).build()) {
            List<Pair> pairs = List.of(new Pair("a man eats", "a man is eating food"), new Pair("q", "word ".repeat(600)),
                    new Pair("short", ""), new Pair("one", "two"));
            List<Encoding> encoded = new ArrayList<>();
            for (Pair p : pairs) {
                encoded.add(model.tokenizer().encodePair(p.a(), p.b(), model.maxLength(), Truncation.LONGEST_FIRST));
            }
            float[][] want = model.predict(pairs, CrossEncoder.Output.LOGITS);
            float[][] got = model.logitsOf(encoded);
            for (int i = 0; i < want.length; i++) {
                assertArrayEquals(want[i], got[i], 0f, "pair " + i);
            }
        }
    }

    @Test
    void anEncodingLongerThanTheMaxLengthIsRefused() {
        try (CrossEncoder model = CrossEncoder.builder(TestData.file("models/tiny-roberta")).threads(1).maxLength(16).build()) {
            Encoding tooLong = model.tokenizer().encodePair("q", "word ".repeat(40), 64, Truncation.LONGEST_FIRST);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.logitsOf(List.of(tooLong)));
            assertTrue(e.getMessage().contains("more than the max length of 16"), e.getMessage());
        }
    }
}
