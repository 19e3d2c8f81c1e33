package dev.rerank.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.rerank.testkit.Bounded;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokenizer files that are broken or ask for what is not implemented: each is a TokenizerException
 * naming the file and the part or field, never another exception or a silently different tokenizer.
 */
class TokenizerFileErrorsTest {
    @TempDir
    Path dir;

    @Test
    void addedTokenIdsOutOfRange() throws IOException {
        for (String tokenizer : new String[] {"roberta-base-tokenizer", "bert-base-uncased-tokenizer"}) {
            assertError(tokenizer, j -> addedToken(j, 0).addProperty("id", -1), "'added_tokens[0].id' is -1");
            assertError(tokenizer, j -> addedToken(j, 0).addProperty("id", Integer.MAX_VALUE), "has id 2147483647, outside");
            assertError(tokenizer, j -> addedToken(j, 0).addProperty("id", 4294967336L), "'added_tokens[0].id' is 4294967336");
            assertError(tokenizer, j -> addedToken(j, 0).addProperty("id", 1.5), "'added_tokens[0].id' must be an integer");
        }
    }

    @Test
    void fieldsOfTheWrongJsonType() throws IOException {
        assertError("bert-base-uncased-tokenizer", j -> addedToken(j, 1).addProperty("lstrip", "yes"),
                "'added_tokens[1].lstrip' must be true or false");
        assertError("bert-base-uncased-tokenizer", j -> addedToken(j, 1).add("content", new JsonObject()),
                "'added_tokens[1].content' must be a string");
        assertError("bert-base-uncased-tokenizer", j -> j.add("added_tokens", new JsonObject()),
                "'added_tokens' must be an array");
        assertError("bert-base-uncased-tokenizer", j -> j.getAsJsonArray("added_tokens").set(0, new JsonPrimitive(3)),
                "'added_tokens[0]' must be an object");
        assertError("bert-base-uncased-tokenizer", j -> model(j).addProperty("type", 5), "'model.type' must be a string");
        assertError("bert-base-uncased-tokenizer", j -> model(j).add("unk_token", new JsonArray()),
                "'model.unk_token' must be a string");
        assertError("bert-base-uncased-tokenizer", j -> model(j).addProperty("max_input_chars_per_word", "100"),
                "'model.max_input_chars_per_word' must be an integer");
        assertError("bert-base-uncased-tokenizer", j -> j.getAsJsonObject("normalizer").addProperty("lowercase", 1),
                "'normalizer.lowercase' must be true or false");
        assertError("bert-base-uncased-tokenizer", j -> j.add("normalizer", new JsonPrimitive("BertNormalizer")),
                "'normalizer' must be an object");
        assertError("roberta-base-tokenizer", j -> j.getAsJsonObject("post_processor").add("cls", array("<s>", "zero")),
                "'post_processor.cls[1]' must be an integer");
        assertError("roberta-base-tokenizer", j -> j.getAsJsonObject("pre_tokenizer").addProperty("add_prefix_space", "no"),
                "'pre_tokenizer.add_prefix_space' must be true or false");
        assertError("roberta-base-tokenizer", j -> j.add("truncation", truncation("512")),
                "'truncation.max_length' must be an integer");
        assertError("bert-base-uncased-tokenizer", j -> template(j).add("special_tokens", new JsonObject()),
                "special token '[CLS]' of the single template is not in 'post_processor.special_tokens'");
        assertError("bert-base-uncased-tokenizer", j -> specialIds(j, "[SEP]").set(0, new JsonPrimitive(99999)),
                "special token id 99999 is not in the vocabulary");
    }

    @Test
    void unsupportedParts() throws IOException {
        assertError("bert-base-uncased-tokenizer", j -> model(j).addProperty("type", "Unigram"), "unsupported model type 'Unigram'");
        assertError("bert-base-uncased-tokenizer", j -> j.add("normalizer", typed("NFC")), "unsupported normalizer 'NFC'");
        assertError("bert-base-uncased-tokenizer", j -> j.add("pre_tokenizer", typed("Whitespace")),
                "unsupported pre_tokenizer 'Whitespace'");
        assertError("bert-base-uncased-tokenizer", j -> j.add("pre_tokenizer", null), "unsupported a missing pre_tokenizer");
        assertError("bert-base-uncased-tokenizer", j -> j.add("post_processor", typed("ByteLevel")),
                "unsupported post_processor 'ByteLevel'");
        assertError("bert-base-uncased-tokenizer", j -> j.add("post_processor", null), "unsupported a missing post_processor");
        assertError("bert-base-uncased-tokenizer", j -> j.add("decoder", typed("ByteLevel")), "unsupported decoder 'ByteLevel'");
        assertError("bert-base-uncased-tokenizer", j -> model(j).addProperty("unk_token", "<unk>"),
                "'model.unk_token' <unk> is not in the vocabulary");
        assertError("bert-base-uncased-tokenizer", j -> template(j).getAsJsonArray("pair").remove(3),
                "unsupported post_processor TemplateProcessing: the pair template must hold $A once, then $B once");
        assertError("roberta-base-tokenizer", j -> j.add("normalizer", typed("BertNormalizer")),
                "unsupported normalizer 'BertNormalizer' (byte-level BPE");
        assertError("roberta-base-tokenizer", j -> model(j).addProperty("type", "WordLevel"), "unsupported model type 'WordLevel'");
    }

    @Test
    void postProcessorsOfEitherKindFrameBothModels() throws IOException {
        // A BertProcessing instead of the TemplateProcessing gives the same BERT frame.
        JsonObject bert = read("bert-base-uncased-tokenizer");
        JsonObject post = typed("BertProcessing");
        post.add("cls", array("[CLS]", 101));
        post.add("sep", array("[SEP]", 102));
        bert.add("post_processor", post);
        Tokenizer t = Tokenizer.load(write(bert));
        Encoding e = t.encodePair("a b", "c");
        assertEquals("[[CLS], a, b, [SEP], c, [SEP]]", java.util.Arrays.toString(e.tokens()));
        assertEquals("[0, 0, 0, 0, 1, 1]", java.util.Arrays.toString(e.typeIds()));
    }

    /** Found by the fuzz pass: a 3 KB vocab.json with one id of 30,703,070 allocated 277 MB of id tables. */
    @Test
    void sparseVocabularyIdsAreRefusedBeforeAnyTableIsSizedByThem() throws IOException {
        Files.writeString(dir.resolve("vocab.json"), "{\"<s>\": 0, \"a\": 1, \"b\": 30703070}");
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\na b\n");
        TokenizerException e = Bounded.assertFails(TokenizerException.class, 16L << 20, () -> Tokenizer.load(dir));
        assertTrue(e.getMessage().contains("vocab.json: vocabulary ids reach 30703070 with only 3 entries"), e.getMessage());
        // Real vocabularies have a few unused ids at most: roberta-base's with one more token 500 ids on still loads.
        String vocab = Files.readString(TestData.file("roberta-base-tokenizer/vocab.json")).strip();
        Files.writeString(dir.resolve("vocab.json"), vocab.substring(0, vocab.length() - 1) + ", \"zzextra\": 50765}");
        Files.copy(TestData.file("roberta-base-tokenizer/merges.txt"), dir.resolve("merges.txt"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(50766, Tokenizer.load(dir).vocabularySize());
    }

    @Test
    void vocabTxtAndConfigErrors() throws IOException {
        Files.copy(TestData.file("bert-base-uncased-tokenizer/vocab.txt"), dir.resolve("vocab.txt"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"tokenizer_class\": \"MPNetTokenizer\"}");
        assertMessage(dir, "unsupported tokenizer_class 'MPNetTokenizer'");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": \"yes\"}");
        assertMessage(dir, "'do_lower_case' must be true or false");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"unk_token\": \"<unk>\"}");
        assertMessage(dir, "the special token <unk> is not in vocab.txt");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"model_max_length\": {}}");
        assertMessage(dir, "'model_max_length' must be a number");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"model_max_length\": -5}");
        assertMessage(dir, "'model_max_length' must be at least 1");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"added_tokens_decoder\": {\"x\": {\"content\": \"[X]\"}}}");
        assertMessage(dir, "'added_tokens_decoder.x': the key must be a token id");
        // transformers writes special tokens as objects too; and 1e30 for "no limit".
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"cls_token\": {\"content\": \"[CLS]\", \"__type\": \"AddedToken\"}, \"model_max_length\": 1e30,"
                        + " \"do_lower_case\": false}");
        Tokenizer cased = Tokenizer.load(dir);
        assertEquals(Integer.MAX_VALUE, cased.modelMaxLength());
        assertEquals(100, cased.encode("Hello").ids()[0], "uncased vocabulary, no lowercasing: unknown");
        Files.delete(dir.resolve("tokenizer_config.json"));
        assertEquals(7592, Tokenizer.load(dir).encode("Hello").ids()[0], "defaults as BertTokenizerFast: lowercase");
    }

    private void assertError(String tokenizer, Consumer<JsonObject> change, String expected) throws IOException {
        JsonObject json = read(tokenizer);
        change.accept(json);
        assertMessage(write(json), expected);
    }

    private static void assertMessage(Path path, String expected) {
        TokenizerException e = assertThrows(TokenizerException.class, () -> Tokenizer.load(path), expected);
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
        assertTrue(e.getMessage().contains(path.getFileName().toString()) || e.getMessage().contains(".json")
                || e.getMessage().contains(".txt"), () -> "names the file: " + e.getMessage());
    }

    private static JsonObject read(String tokenizer) throws IOException {
        return JsonParser.parseString(Files.readString(TestData.file(tokenizer + "/tokenizer.json"))).getAsJsonObject();
    }

    private Path write(JsonObject json) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, json.toString());
        return file;
    }

    private static JsonObject addedToken(JsonObject json, int index) {
        return json.getAsJsonArray("added_tokens").get(index).getAsJsonObject();
    }

    private static JsonObject model(JsonObject json) {
        return json.getAsJsonObject("model");
    }

    private static JsonObject template(JsonObject json) {
        return json.getAsJsonObject("post_processor");
    }

    private static JsonArray specialIds(JsonObject json, String token) {
        return template(json).getAsJsonObject("special_tokens").getAsJsonObject(token).getAsJsonArray("ids");
    }

    private static JsonObject typed(String type) {
        JsonObject o = new JsonObject();
        o.addProperty("type", type);
        return o;
    }

    private static JsonObject truncation(String maxLength) {
        JsonObject o = new JsonObject();
        o.addProperty("max_length", maxLength);
        return o;
    }

    private static JsonArray array(Object... values) {
        JsonArray a = new JsonArray();
        for (Object v : values) {
            a.add(v instanceof Number n ? new JsonPrimitive(n) : (JsonElement) new JsonPrimitive(v.toString()));
        }
        return a;
    }
}
