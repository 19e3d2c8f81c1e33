package dev.rerank.tokenizer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The original BERT form of a WordPiece tokenizer: {@code vocab.txt} (one token a line, the line
 * number its id) with settings in {@code tokenizer_config.json}, built the way transformers'
 * BertTokenizerFast builds it: BertNormalizer(clean_text, tokenize_chinese_chars, strip_accents,
 * do_lower_case), BertPreTokenizer, WordPiece with {@code ##} and 100 characters a word,
 * {@code [CLS] A [SEP] B [SEP]}.
 */
final class VocabTxt {
    private VocabTxt() {}

    private static final String[] SPECIAL_KEYS = {"pad_token", "unk_token", "cls_token", "sep_token", "mask_token"};
    private static final String[] SPECIAL_DEFAULTS = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};

    static Tokenizer load(Path vocabFile, Path configFile, int maxLength) {
        String where = vocabFile.toString();
        List<String> lines = TokenizerFiles.readLines(vocabFile);
        // As transformers reads it: a token repeated later takes the later id.
        TokenTable.Builder entries = new TokenTable.Builder();
        for (int i = 0; i < lines.size(); i++) {
            entries.put(lines.get(i), i);
        }
        TokenTable vocab = entries.build();
        JsonFields config = Files.exists(configFile) ? TokenizerFiles.readObject(configFile)
                : JsonFields.root(new JsonObject(), configFile.toString());
        String tokenizerClass = config.string("tokenizer_class", "BertTokenizer");
        if (!tokenizerClass.equals("BertTokenizer") && !tokenizerClass.equals("BertTokenizerFast")) {
            throw config.unsupported("tokenizer_class '" + tokenizerClass + "' with vocab.txt (BertTokenizer is implemented)");
        }

        Map<String, String> specials = new LinkedHashMap<>();
        for (int k = 0; k < SPECIAL_KEYS.length; k++) {
            specials.put(SPECIAL_KEYS[k], specialToken(config, SPECIAL_KEYS[k], SPECIAL_DEFAULTS[k]));
        }
        List<AddedToken> added = addedTokens(config, specials, vocab, where);
        boolean lowercase = config.bool("do_lower_case", true);
        BertNormalizer normalizer = new BertNormalizer(true, config.bool("tokenize_chinese_chars", true),
                config.bool("strip_accents", lowercase), lowercase);
        WordPiece wordPiece = new WordPiece(vocab, idOf(specials.get("unk_token"), vocab, config),
                "##", WordPieceTokenizerJson.DEFAULT_MAX_INPUT_CHARS_PER_WORD);
        BertWordPiece encoder = new BertWordPiece(normalizer, wordPiece, added, "##", true);

        TokenTable tokenById = Vocabulary.tokenById(vocab, added, where);
        PairTemplate template = PairTemplate.bert(idOf(specials.get("cls_token"), vocab, config),
                idOf(specials.get("sep_token"), vocab, config));
        return new Tokenizer(encoder, template, tokenById, added, false, idOf(specials.get("pad_token"), vocab, config),
                maxLength);
    }

    /** A special token given as a string or as {"content": ...}, as transformers writes either. */
    private static String specialToken(JsonFields config, String key, String fallback) {
        JsonElement e = config.get(key);
        if (e != null && e.isJsonObject()) {
            return config.object(key).requiredString("content");
        }
        return config.string(key, fallback);
    }

    /**
     * transformers' {@code added_tokens_decoder} ("id": {content, lstrip, rstrip, single_word,
     * normalized, special}) when the file has it; the five special tokens in any case, matched in
     * raw text (not normalized) as transformers adds them.
     */
    private static List<AddedToken> addedTokens(JsonFields config, Map<String, String> specials,
                                                TokenTable vocab, String where) {
        List<AddedToken> added = new ArrayList<>();
        JsonFields decoder = config.optionalObject("added_tokens_decoder");
        if (decoder != null) {
            for (String key : decoder.json().keySet()) {
                int id = decoder.integerValue(new JsonPrimitive(parseId(key, decoder)), decoder.name(key), 0,
                        Integer.MAX_VALUE);
                JsonFields t = decoder.object(key);
                boolean special = t.bool("special", false);
                added.add(new AddedToken(t.requiredString("content"), id, special, t.bool("lstrip", false),
                        t.bool("rstrip", false), t.bool("single_word", false), t.bool("normalized", !special)));
            }
        }
        for (String token : specials.values()) {
            if (added.stream().noneMatch(t -> t.content().equals(token))) {
                added.add(new AddedToken(token, idOf(token, vocab, config), true, false, false, false, false));
            }
        }
        return added;
    }

    private static long parseId(String key, JsonFields decoder) {
        try {
            return Long.parseLong(key);
        } catch (NumberFormatException e) {
            throw decoder.error("'" + decoder.name(key) + "': the key must be a token id");
        }
    }

    private static int idOf(String token, TokenTable vocab, JsonFields config) {
        int id = vocab.id(token);
        if (id < 0) {
            throw config.error("the special token " + token + " is not in vocab.txt");
        }
        return id;
    }
}
