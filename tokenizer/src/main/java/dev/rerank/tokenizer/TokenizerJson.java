package dev.rerank.tokenizer;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face's {@code tokenizer.json}: read once, with the two big parts (the vocabulary and the
 * merges) streamed rather than built as a JSON tree, then handed to the reader of its model type
 * ({@link BpeTokenizerJson}, {@link WordPieceTokenizerJson}). The parts every model type shares
 * (added tokens, post-processor, truncation) are read here.
 *
 * @param merges null when the file has none (WordPiece)
 */
record TokenizerJson(String file, JsonFields root, JsonFields model, TokenTable vocab,
                     List<MergeSpelling> merges) {

    static Tokenizer load(Path file, int configMaxLength) {
        TokenizerJson json = read(file);
        String type = json.model().string("type", "BPE");
        return switch (type) {
            case "BPE" -> BpeTokenizerJson.build(json, configMaxLength);
            case "WordPiece" -> WordPieceTokenizerJson.build(json, configMaxLength);
            default -> throw json.root().unsupported("model type '" + type + "' (BPE and WordPiece are implemented)");
        };
    }

    private static TokenizerJson read(Path file) {
        String where = file.toString();
        JsonObject root = new JsonObject();
        JsonObject model = null;
        TokenTable vocab = null;
        List<MergeSpelling> merges = null;
        try (JsonReader r = new JsonReader(Files.newBufferedReader(file, StandardCharsets.UTF_8))) {
            r.beginObject();
            while (r.hasNext()) {
                String key = r.nextName();
                if (!key.equals("model") || r.peek() != JsonToken.BEGIN_OBJECT) {
                    root.add(key, JsonParser.parseReader(r));
                    continue;
                }
                model = new JsonObject();
                r.beginObject();
                while (r.hasNext()) {
                    String field = r.nextName();
                    if (field.equals("vocab") && r.peek() == JsonToken.BEGIN_OBJECT) {
                        vocab = Vocabulary.read(r, where);
                    } else if (field.equals("merges") && r.peek() == JsonToken.BEGIN_ARRAY) {
                        merges = readMerges(r, where);
                    } else {
                        model.add(field, JsonParser.parseReader(r));
                    }
                }
                r.endObject();
            }
            r.endObject();
        } catch (NoSuchFileException e) {
            throw new TokenizerException("tokenizer file not found: " + file);
        } catch (TokenizerException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw TokenizerFiles.malformed(where, "invalid JSON (" + TokenizerFiles.rootCause(e) + ")");
        }
        if (model == null) {
            throw TokenizerFiles.malformed(where, "'model' is missing or not an object");
        }
        if (vocab == null) {
            throw TokenizerFiles.malformed(where, "'model.vocab' is missing or not an object");
        }
        return new TokenizerJson(where, JsonFields.root(root, where), new JsonFields(model, "model.", where), vocab,
                merges);
    }

    private static List<MergeSpelling> readMerges(JsonReader r, String where) throws IOException {
        List<MergeSpelling> merges = new ArrayList<>(50_000);
        r.beginArray();
        for (int i = 0; r.hasNext(); i++) {
            JsonToken t = r.peek();
            if (t == JsonToken.STRING) {
                merges.add(MergeSpelling.ofSpaced(r.nextString(), where, "merge", i));
            } else if (t == JsonToken.BEGIN_ARRAY) {
                r.beginArray();
                String[] pair = new String[2];
                for (int k = 0; k < 2; k++) {
                    if (!r.hasNext() || r.peek() != JsonToken.STRING) {
                        throw TokenizerFiles.malformed(where, "merge " + i + " is not a pair of strings");
                    }
                    pair[k] = r.nextString();
                }
                if (r.hasNext()) {
                    throw TokenizerFiles.malformed(where, "merge " + i + " has more than two symbols");
                }
                r.endArray();
                merges.add(MergeSpelling.ofPair(pair[0], pair[1]));
            } else {
                throw TokenizerFiles.malformed(where, "merge " + i + " is neither \"a b\" nor [\"a\", \"b\"]");
            }
        }
        r.endArray();
        return merges;
    }

    /** {@code added_tokens}: each needs a string content and an integer id; the flags default as in the library. */
    List<AddedToken> addedTokens() {
        List<AddedToken> added = new ArrayList<>();
        JsonArray array = root.optionalArray("added_tokens");
        if (array == null) {
            return added;
        }
        for (int i = 0; i < array.size(); i++) {
            JsonFields t = root.element(array, "added_tokens", i);
            added.add(new AddedToken(t.requiredString("content"), t.requiredInteger("id", 0, Integer.MAX_VALUE),
                    t.bool("special", false), t.bool("lstrip", false), t.bool("rstrip", false),
                    t.bool("single_word", false), t.bool("normalized", true)));
        }
        return added;
    }

    /** The post-processor as a pair template. */
    PairTemplate postProcessor() {
        JsonFields post = root.optionalObject("post_processor");
        if (post == null) {
            throw root.unsupported("a missing post_processor (pairs need RobertaProcessing, BertProcessing"
                    + " or TemplateProcessing)");
        }
        return PostProcessorJson.parse(post);
    }

    /** tokenizer_config.json's model_max_length, else the file's own truncation.max_length. */
    int maxLength(int configMaxLength) {
        if (configMaxLength != Integer.MAX_VALUE) {
            return configMaxLength;
        }
        JsonFields truncation = root.optionalObject("truncation");
        return truncation == null ? Integer.MAX_VALUE : truncation.integer("max_length", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
    }

    /** Refuses a present, non-null part whose type is not among {@code allowed}; returns it or null. */
    JsonFields part(String key, String... allowed) {
        JsonFields part = root.optionalObject(key);
        if (part == null) {
            return null;
        }
        String type = part.string("type", "?");
        if (!List.of(allowed).contains(type)) {
            throw root.unsupported(key + " '" + type + "' (implemented: " + String.join(", ", allowed) + ")");
        }
        return part;
    }
}
