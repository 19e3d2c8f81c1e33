package dev.rerank.tokenizer;

import static dev.rerank.tokenizer.TokenizerGoldenTest.ints;
import static dev.rerank.tokenizer.TokenizerGoldenTest.quote;
import static dev.rerank.tokenizer.TokenizerGoldenTest.strings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of tokenizer-wordpiece-golden.json (made with Hugging Face's Rust tokenizers from the
 * bert-base-uncased tokenizer), from tokenizer.json and from vocab.txt + tokenizer_config.json:
 * ids, type ids and tokens.
 */
class WordPieceGoldenTest {
    private static JsonObject golden;

    @BeforeAll
    static void readGolden() throws IOException {
        golden = JsonParser.parseString(Files.readString(TestData.file("tokenizer-wordpiece-golden.json"))).getAsJsonObject();
    }

    static Stream<Arguments> tokenizers() {
        return Stream.of(
                Arguments.of("tokenizer.json", Tokenizer.load(TestData.file("bert-base-uncased-tokenizer/tokenizer.json"))),
                Arguments.of("vocab.txt + tokenizer_config.json", vocabTxt()));
    }

    /** The folder without its tokenizer.json, so that vocab.txt is what gets read. */
    static Tokenizer vocabTxt() {
        String[] files = {"vocab.txt", "tokenizer_config.json"};
        try {
            Path dir = Files.createTempDirectory("vocab-txt");
            try {
                for (String f : files) {
                    Files.copy(TestData.file("bert-base-uncased-tokenizer/" + f), dir.resolve(f));
                }
                return Tokenizer.load(dir);
            } finally {
                for (String f : files) {
                    Files.deleteIfExists(dir.resolve(f));
                }
                Files.delete(dir);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenizers")
    void singleTexts(String form, Tokenizer tokenizer) {
        assertEquals("WordPiece", tokenizer.kind());
        assertEquals(30522, tokenizer.vocabularySize());
        assertEquals(512, tokenizer.modelMaxLength());
        assertEquals(101, tokenizer.clsId());
        assertEquals(102, tokenizer.sepId());
        assertEquals(0, tokenizer.padId());
        JsonArray cases = golden.getAsJsonArray("single");
        assertEquals(58, cases.size());
        for (JsonElement e : cases) {
            JsonObject c = e.getAsJsonObject();
            String text = c.get("text").getAsString();
            Encoding enc = tokenizer.encode(text);
            assertArrayEquals(ints(c.getAsJsonArray("ids")), enc.ids(), () -> "ids of " + quote(text));
            assertArrayEquals(ints(c.getAsJsonArray("type_ids")), enc.typeIds(), () -> "type ids of " + quote(text));
            assertArrayEquals(strings(c.getAsJsonArray("tokens")), enc.tokens(), () -> "tokens of " + quote(text));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenizers")
    void pairsWithTruncation(String form, Tokenizer tokenizer) {
        assertEquals(3, tokenizer.specialTokens(true));
        assertEquals(2, tokenizer.specialTokens(false));
        JsonArray cases = golden.getAsJsonArray("pairs");
        assertEquals(21, cases.size());
        int errors = 0;
        for (JsonElement e : cases) {
            JsonObject c = e.getAsJsonObject();
            String a = c.get("a").getAsString();
            String b = c.get("b").getAsString();
            int max = c.get("max_length").getAsInt();
            Truncation strategy = Truncation.parse(c.get("truncation").getAsString());
            String what = "pair " + quote(a) + " / " + quote(b) + " max_length " + max + " " + strategy;
            if (c.has("error")) {
                errors++;
                TokenizerException ex = assertThrows(TokenizerException.class, () -> tokenizer.encodePair(a, b, max, strategy), what);
                assertTrue(ex.getMessage().contains("too few"), ex.getMessage());
                continue;
            }
            Encoding enc = tokenizer.encodePair(a, b, max, strategy);
            assertArrayEquals(ints(c.getAsJsonArray("ids")), enc.ids(), what);
            assertArrayEquals(ints(c.getAsJsonArray("type_ids")), enc.typeIds(), () -> "type ids of " + what);
            assertArrayEquals(strings(c.getAsJsonArray("tokens")), enc.tokens(), () -> "tokens of " + what);
        }
        assertEquals(3, errors);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenizers")
    void allStsbTestPairs(String form, Tokenizer tokenizer) {
        JsonArray cases = golden.getAsJsonArray("stsb_test_pairs");
        assertEquals(1379, cases.size());
        for (JsonElement e : cases) {
            JsonObject c = e.getAsJsonObject();
            String a = c.get("a").getAsString();
            String b = c.get("b").getAsString();
            Encoding enc = tokenizer.encodePair(a, b, 512, Truncation.LONGEST_FIRST);
            assertArrayEquals(ints(c.getAsJsonArray("ids")), enc.ids(), () -> "STS-B pair " + quote(a) + " / " + quote(b));
            assertArrayEquals(ints(c.getAsJsonArray("type_ids")), enc.typeIds(),
                    () -> "type ids of STS-B pair " + quote(a) + " / " + quote(b));
        }
    }
}
