package dev.rerank.tokenizer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the two on-disk forms of a byte-level BPE tokenizer: Hugging Face's {@code tokenizer.json},
 * or the original {@code vocab.json} + {@code merges.txt}. Anything it does not implement exactly is
 * refused with an error naming the part, never approximated.
 */
final class TokenizerLoader {
    private TokenizerLoader() {}

    static Tokenizer load(Path path) {
        if (Files.isDirectory(path)) {
            Path json = path.resolve("tokenizer.json");
            int maxLength = modelMaxLength(path.resolve("tokenizer_config.json"));
            if (Files.exists(json)) {
                return fromTokenizerJson(json, maxLength);
            }
            Path vocab = path.resolve("vocab.json");
            Path merges = path.resolve("merges.txt");
            if (Files.exists(vocab) && Files.exists(merges)) {
                return fromVocabAndMerges(vocab, merges, maxLength);
            }
            throw new TokenizerException("no tokenizer in " + path
                    + ": expected tokenizer.json, or vocab.json and merges.txt");
        }
        if (!Files.exists(path)) {
            throw new TokenizerException("tokenizer not found: " + path);
        }
        Path dir = path.toAbsolutePath().getParent();
        return fromTokenizerJson(path, modelMaxLength(dir.resolve("tokenizer_config.json")));
    }

    // ---- tokenizer.json ----

    /** tokenizer.json, with the two big parts (vocab, merges) streamed rather than built as a JSON tree. */
    private record TokenizerJson(JsonObject root, JsonObject model, Map<String, Integer> vocab, List<String[]> merges) {}

    private static TokenizerJson readTokenizerJson(Path file) {
        String where = file.toString();
        JsonObject root = new JsonObject();
        JsonObject model = null;
        Map<String, Integer> vocab = null;
        List<String[]> merges = null;
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
                        vocab = readVocabulary(r, where);
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
            throw malformed(where, "invalid JSON (" + rootCause(e) + ")");
        }
        if (model == null) {
            throw malformed(where, "'model' is missing or not an object");
        }
        if (vocab == null) {
            throw malformed(where, "'model.vocab' is missing or not an object");
        }
        if (merges == null) {
            throw malformed(where, "'model.merges' is missing or not an array");
        }
        return new TokenizerJson(root, model, vocab, merges);
    }

    private static List<String[]> readMerges(JsonReader r, String where) throws IOException {
        List<String[]> merges = new ArrayList<>(50_000);
        r.beginArray();
        for (int i = 0; r.hasNext(); i++) {
            JsonToken t = r.peek();
            if (t == JsonToken.STRING) {
                merges.add(splitMerge(r.nextString(), where, "merge " + i));
            } else if (t == JsonToken.BEGIN_ARRAY) {
                r.beginArray();
                String[] pair = new String[2];
                for (int k = 0; k < 2; k++) {
                    if (!r.hasNext() || r.peek() != JsonToken.STRING) {
                        throw malformed(where, "merge " + i + " is not a pair of strings");
                    }
                    pair[k] = r.nextString();
                }
                if (r.hasNext()) {
                    throw malformed(where, "merge " + i + " has more than two symbols");
                }
                r.endArray();
                merges.add(pair);
            } else {
                throw malformed(where, "merge " + i + " is neither \"a b\" nor [\"a\", \"b\"]");
            }
        }
        r.endArray();
        return merges;
    }

    private static Tokenizer fromTokenizerJson(Path file, int configMaxLength) {
        TokenizerJson parsed = readTokenizerJson(file);
        JsonObject root = parsed.root();
        String where = file.toString();
        requireNull(root, "normalizer", where);
        JsonObject model = parsed.model();
        String type = string(model, "type", "BPE");
        if (!type.equals("BPE")) {
            throw unsupported(where, "model type '" + type + "' (only BPE is implemented)");
        }
        if (model.has("dropout") && !model.get("dropout").isJsonNull() && model.get("dropout").getAsDouble() != 0) {
            throw unsupported(where, "BPE dropout");
        }
        for (String affix : new String[] {"continuing_subword_prefix", "end_of_word_suffix"}) {
            if (!string(model, affix, "").isEmpty()) {
                throw unsupported(where, "BPE " + affix);
            }
        }
        if (bool(model, "byte_fallback", false)) {
            throw unsupported(where, "BPE byte_fallback");
        }
        boolean ignoreMerges = bool(model, "ignore_merges", false);
        Map<String, Integer> vocab = parsed.vocab();
        List<String[]> merges = parsed.merges();

        boolean addPrefixSpace = false;
        boolean useRegex = true;
        JsonElement pre = root.get("pre_tokenizer");
        if (pre == null || pre.isJsonNull()) {
            throw unsupported(where, "a missing pre_tokenizer (byte-level BPE needs ByteLevel)");
        }
        JsonObject preObject = pre.getAsJsonObject();
        String preType = string(preObject, "type", "");
        if (!preType.equals("ByteLevel")) {
            throw unsupported(where, "pre_tokenizer '" + preType + "' (only ByteLevel is implemented)");
        }
        addPrefixSpace = bool(preObject, "add_prefix_space", false);
        useRegex = bool(preObject, "use_regex", true);

        JsonElement decoder = root.get("decoder");
        if (decoder != null && !decoder.isJsonNull()) {
            String decoderType = string(decoder.getAsJsonObject(), "type", "");
            if (!decoderType.equals("ByteLevel")) {
                throw unsupported(where, "decoder '" + decoderType + "' (only ByteLevel is implemented)");
            }
        }

        List<AddedToken> added = new ArrayList<>();
        JsonElement addedJson = root.get("added_tokens");
        if (addedJson != null && !addedJson.isJsonNull()) {
            for (JsonElement e : addedJson.getAsJsonArray()) {
                JsonObject t = e.getAsJsonObject();
                if (!t.has("content") || !t.has("id")) {
                    throw malformed(where, "an added token lacks content or id: " + t);
                }
                added.add(new AddedToken(t.get("content").getAsString(), t.get("id").getAsInt(),
                        bool(t, "special", false), bool(t, "lstrip", false), bool(t, "rstrip", false),
                        bool(t, "single_word", false), bool(t, "normalized", true)));
            }
        }

        int cls;
        int sep;
        JsonElement post = root.get("post_processor");
        if (post == null || post.isJsonNull()) {
            throw unsupported(where, "a missing post_processor (pairs need RobertaProcessing)");
        }
        JsonObject postObject = post.getAsJsonObject();
        String postType = string(postObject, "type", "");
        if (!postType.equals("RobertaProcessing")) {
            throw unsupported(where, "post_processor '" + postType + "' (only RobertaProcessing is implemented)");
        }
        cls = postObject.getAsJsonArray("cls").get(1).getAsInt();
        sep = postObject.getAsJsonArray("sep").get(1).getAsInt();

        int maxLength = configMaxLength;
        JsonElement truncation = root.get("truncation");
        if (maxLength == Integer.MAX_VALUE && truncation != null && truncation.isJsonObject()
                && truncation.getAsJsonObject().has("max_length")) {
            maxLength = truncation.getAsJsonObject().get("max_length").getAsInt();
        }
        return build(vocab, merges, added, addPrefixSpace, useRegex, ignoreMerges, cls, sep, maxLength, where);
    }

    // ---- vocab.json + merges.txt ----

    private static Tokenizer fromVocabAndMerges(Path vocabFile, Path mergesFile, int maxLength) {
        Map<String, Integer> vocab;
        try (JsonReader r = new JsonReader(Files.newBufferedReader(vocabFile, StandardCharsets.UTF_8))) {
            vocab = readVocabulary(r, vocabFile.toString());
        } catch (NoSuchFileException e) {
            throw new TokenizerException("tokenizer file not found: " + vocabFile);
        } catch (TokenizerException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw malformed(vocabFile.toString(), "invalid JSON (" + rootCause(e) + ")");
        }
        List<String> lines = readLines(mergesFile);
        List<String[]> merges = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if ((i == 0 && line.startsWith("#version")) || line.isEmpty()) {
                continue;
            }
            merges.add(splitMerge(line, mergesFile.toString(), "line " + (i + 1)));
        }
        // The RoBERTa special tokens; <mask> swallows the space before it, as in the reference.
        List<AddedToken> added = new ArrayList<>();
        for (String special : new String[] {"<s>", "<pad>", "</s>", "<unk>", "<mask>"}) {
            Integer id = vocab.get(special);
            if (id == null) {
                throw malformed(vocabFile.toString(), "the RoBERTa special token " + special + " is missing");
            }
            added.add(new AddedToken(special, id, true, special.equals("<mask>"), false, false, true));
        }
        return build(vocab, merges, added, false, true, false, vocab.get("<s>"), vocab.get("</s>"), maxLength,
                mergesFile.toString());
    }

    // ---- shared ----

    private static Tokenizer build(Map<String, Integer> vocab, List<String[]> merges, List<AddedToken> added,
                                   boolean addPrefixSpace, boolean useRegex, boolean ignoreMerges,
                                   int cls, int sep, int maxLength, String where) {
        int size = 0;
        for (int id : vocab.values()) {
            size = Math.max(size, id + 1);
        }
        for (AddedToken t : added) {
            size = Math.max(size, t.id() + 1);
        }
        String[] tokenById = new String[size];
        vocab.forEach((token, id) -> tokenById[id] = token);
        for (AddedToken t : added) {
            if (tokenById[t.id()] != null && !tokenById[t.id()].equals(t.content())) {
                throw malformed(where, "added token " + t.content() + " has id " + t.id()
                        + ", which the vocabulary gives to " + tokenById[t.id()]);
            }
            tokenById[t.id()] = t.content();
        }
        MergeTable table = new MergeTable(merges.size());
        for (int rank = 0; rank < merges.size(); rank++) {
            String[] m = merges.get(rank);
            Integer left = vocab.get(m[0]);
            Integer right = vocab.get(m[1]);
            Integer merged = vocab.get(m[0] + m[1]);
            if (left == null || right == null || merged == null) {
                String unknown = left == null ? m[0] : right == null ? m[1] : m[0] + m[1];
                throw malformed(where, "merge " + rank + " (" + m[0] + " " + m[1] + ") names '" + unknown
                        + "', which is not in the vocabulary");
            }
            table.put(left, right, rank, merged);
        }
        BytePairEncoder bpe;
        try {
            bpe = new BytePairEncoder(vocab, table, ignoreMerges);
        } catch (IllegalArgumentException e) {
            throw malformed(where, e.getMessage());
        }
        Integer pad = vocab.get("<pad>");
        return new Tokenizer(bpe, added, tokenById, addPrefixSpace, useRegex, cls, sep, pad == null ? 1 : pad,
                maxLength);
    }

    private static Map<String, Integer> readVocabulary(JsonReader r, String where) throws IOException {
        Map<String, Integer> vocab = new HashMap<>(100_000);
        String[] byId = new String[65_536]; // ids are dense: an array finds duplicates cheaply
        r.beginObject();
        while (r.hasNext()) {
            String token = r.nextName();
            if (r.peek() != JsonToken.NUMBER) {
                throw malformed(where, "vocabulary entry '" + token + "' has no integer id");
            }
            int id = r.nextInt();
            if (id < 0 || id > 50_000_000) {
                throw malformed(where, "vocabulary entry '" + token + "' has an impossible id " + id);
            }
            if (id >= byId.length) {
                byId = java.util.Arrays.copyOf(byId, Math.max(byId.length * 2, id + 1));
            }
            if (byId[id] != null) {
                throw malformed(where, "duplicate id " + id + " for '" + byId[id] + "' and '" + token + "'");
            }
            byId[id] = token;
            vocab.put(token, id);
        }
        r.endObject();
        return vocab;
    }

    private static String[] splitMerge(String text, String where, String what) {
        int space = text.indexOf(' ');
        if (space <= 0 || space == text.length() - 1 || text.indexOf(' ', space + 1) >= 0) {
            throw malformed(where, what + " is not two symbols separated by one space: '" + text + "'");
        }
        return new String[] {text.substring(0, space), text.substring(space + 1)};
    }

    private static int modelMaxLength(Path config) {
        if (!Files.exists(config)) {
            return Integer.MAX_VALUE;
        }
        JsonObject json = parseObject(config);
        JsonElement max = json.get("model_max_length");
        if (max == null || max.isJsonNull()) {
            return Integer.MAX_VALUE;
        }
        // transformers writes 1e30 for "no limit".
        double value = max.getAsDouble();
        return value >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) value;
    }

    private static JsonObject parseObject(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new TokenizerException("tokenizer file not found: " + file);
        } catch (IOException e) {
            throw new TokenizerException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            JsonElement json = JsonParser.parseString(text);
            if (!json.isJsonObject()) {
                throw malformed(file.toString(), "expected a JSON object at the top level");
            }
            return json.getAsJsonObject();
        } catch (JsonParseException e) {
            throw malformed(file.toString(), "invalid JSON (" + rootCause(e) + ")");
        }
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new TokenizerException("tokenizer file not found: " + file);
        } catch (IOException e) {
            throw new TokenizerException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String rootCause(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage();
    }

    private static JsonObject object(JsonObject parent, String key, String where) {
        JsonElement e = parent.get(key);
        if (e == null || !e.isJsonObject()) {
            throw malformed(where, "'" + key + "' is missing or not an object");
        }
        return e.getAsJsonObject();
    }

    private static String string(JsonObject o, String key, String fallback) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? fallback : e.getAsString();
    }

    private static boolean bool(JsonObject o, String key, boolean fallback) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? fallback : e.getAsBoolean();
    }

    private static void requireNull(JsonObject root, String key, String where) {
        JsonElement e = root.get(key);
        if (e != null && !e.isJsonNull()) {
            String type = e.isJsonObject() ? string(e.getAsJsonObject(), "type", "?") : e.toString();
            throw unsupported(where, key + " '" + type + "' (only a null " + key + " is implemented)");
        }
    }

    private static TokenizerException unsupported(String where, String what) {
        return new TokenizerException(where + ": unsupported " + what);
    }

    private static TokenizerException malformed(String where, String what) {
        return new TokenizerException(where + ": " + what);
    }
}
