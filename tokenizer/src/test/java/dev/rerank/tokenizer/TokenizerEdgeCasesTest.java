package dev.rerank.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerEdgeCasesTest {
    private static Tokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = Tokenizer.load(TestData.file("roberta-base-tokenizer"));
    }

    @Test
    void loneSurrogatesEncodeAsReplacementCharacter() {
        assertArrayEquals(tokenizer.encode("a\uFFFDb").ids(), tokenizer.encode("a\uD800b").ids());
        assertArrayEquals(tokenizer.encode("\uFFFD").ids(), tokenizer.encode("\uDC00").ids());
        // A proper pair is kept: 😀 is U+1F600.
        assertEquals("😀", tokenizer.decode(tokenizer.encode("😀").ids(), false));
    }

    @Test
    void longTextIsFastAndRoundTrips() {
        String text = "x".repeat(100_000);
        Encoding enc = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> tokenizer.encode(text));
        assertEquals(text, tokenizer.decode(enc.ids(), false));
        String words = "the quick brown fox ".repeat(5_000);
        assertEquals(words, tokenizer.decode(tokenizer.encode(words).ids(), false));
    }

    @Test
    void decodeReplacesBrokenUtf8AndCanSkipSpecials() {
        int[] ids = tokenizer.encode("é").ids();
        // 'é' is two bytes; a token holding only its first byte cannot be decoded whole.
        int[] firstByte = tokenizer.encode("日").ids();
        assertEquals("\uFFFD", tokenizer.decode(new int[] {firstByte[0]}, false));
        assertEquals("é", tokenizer.decode(ids, false));
        int[] pair = tokenizer.encodePair("hi", "there", 512, Truncation.LONGEST_FIRST).ids();
        // The second text is encoded on its own, without a leading space.
        assertEquals("<s>hi</s></s>there</s>", tokenizer.decode(pair, false));
        assertEquals("hithere", tokenizer.decode(pair, true));
        assertThrows(TokenizerException.class, () -> tokenizer.decode(new int[] {999_999}, false));
    }

    @Test
    void impossibleRequestsFailWithAMessage() {
        TokenizerException e = assertThrows(TokenizerException.class, () -> tokenizer.encodePair("a", "b", 3, Truncation.LONGEST_FIRST));
        assertTrue(e.getMessage().contains("max_length 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Truncation.parse("middle_out"));
        assertEquals(Truncation.ONLY_SECOND, Truncation.parse("only_second"));
    }

    @Test
    void concurrentCallersGetIdenticalIds() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            texts.add("sentence number " + i + " with wörds, ünïcode and 数字 " + (i * 7919));
        }
        List<int[]> expected = texts.stream().map(t -> Tokenizer.load(TestData.file("roberta-base-tokenizer/tokenizer.json")).encode(t).ids()).limit(20).toList();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<int[]>>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> texts.stream().map(s -> tokenizer.encode(s).ids()).toList()));
            }
            for (Future<List<int[]>> f : futures) {
                List<int[]> got = f.get();
                for (int i = 0; i < expected.size(); i++) {
                    assertArrayEquals(expected.get(i), got.get(i));
                }
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void malformedFilesNameTheFileAndTheProblem(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("nothing-here");
        Files.createDirectories(missing);
        assertMessage(missing, "no tokenizer in");

        Path badJson = dir.resolve("bad-json");
        Files.createDirectories(badJson);
        Files.writeString(badJson.resolve("tokenizer.json"), "{\"model\": [1, 2");
        assertMessage(badJson, "tokenizer.json: invalid JSON");

        Path unknownMerge = copyVocabMerges(dir.resolve("unknown-merge"));
        Files.writeString(unknownMerge.resolve("merges.txt"), "#version: 0.2\nĠ t\nq zzz\n");
        assertMessage(unknownMerge, "merges.txt: merge 1 (q zzz) names 'zzz'");

        Path duplicate = copyVocabMerges(dir.resolve("duplicate-id"));
        Files.writeString(duplicate.resolve("vocab.json"), "{\"<s>\": 0, \"a\": 0}");
        assertMessage(duplicate, "duplicate id 0");

        Path unsupported = dir.resolve("unsupported");
        Files.createDirectories(unsupported);
        String json = Files.readString(TestData.file("roberta-base-tokenizer/tokenizer.json"))
                .replace("\"normalizer\":null", "\"normalizer\":{\"type\":\"NFC\"}");
        Files.writeString(unsupported.resolve("tokenizer.json"), json);
        assertMessage(unsupported, "unsupported normalizer 'NFC'");

        assertMessage(dir.resolve("absent/tokenizer.json"), "tokenizer not found");
    }

    private static Path copyVocabMerges(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.copy(TestData.file("roberta-base-tokenizer/vocab.json"), dir.resolve("vocab.json"));
        Files.copy(TestData.file("roberta-base-tokenizer/merges.txt"), dir.resolve("merges.txt"));
        return dir;
    }

    private static void assertMessage(Path path, String expected) {
        TokenizerException e = assertThrows(TokenizerException.class, () -> Tokenizer.load(path));
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
    }
}
