package dev.rerank.tokenizer;

import java.util.List;

/**
 * The WordPiece part of tokenizer.json (BERT and its descendants): a WordPiece model, a
 * BertNormalizer (or none), the BertPreTokenizer, a WordPiece decoder (or none). Anything else is
 * refused with an error naming the part.
 */
final class WordPieceTokenizerJson {
    private WordPieceTokenizerJson() {}

    /** The library's limit when a file does not give one. */
    static final int DEFAULT_MAX_INPUT_CHARS_PER_WORD = 100;

    static Tokenizer build(TokenizerJson json, int configMaxLength) {
        JsonFields model = json.model();
        String file = json.file();
        String unk = model.string("unk_token", "[UNK]");
        int unkId = json.vocab().id(unk);
        if (unkId < 0) {
            throw model.error("'model.unk_token' " + unk + " is not in the vocabulary");
        }
        WordPiece wordPiece = new WordPiece(json.vocab(), unkId, model.string("continuing_subword_prefix", "##"),
                model.integer("max_input_chars_per_word", DEFAULT_MAX_INPUT_CHARS_PER_WORD, 0, Integer.MAX_VALUE));

        JsonFields normalizer = json.part("normalizer", "BertNormalizer");
        if (json.part("pre_tokenizer", "BertPreTokenizer") == null) {
            throw json.root().unsupported("a missing pre_tokenizer (WordPiece is implemented with BertPreTokenizer)");
        }
        JsonFields decoder = json.part("decoder", "WordPiece");

        List<AddedToken> added = json.addedTokens();
        BertWordPiece encoder = new BertWordPiece(normalizer == null ? null : bertNormalizer(normalizer), wordPiece,
                added, decoder == null ? null : decoder.string("prefix", "##"),
                decoder != null && decoder.bool("cleanup", true));
        TokenTable tokenById = Vocabulary.tokenById(json.vocab(), added, file);
        PairTemplate template = json.postProcessor();
        Vocabulary.checkSpecials(template, tokenById, file);
        int padId = padId(json);
        if (padId >= tokenById.size()) {
            throw json.root().error("'padding.pad_id' " + padId + " is not in the vocabulary of " + tokenById.size() + " ids");
        }
        return new Tokenizer(encoder, template, tokenById, added, false, padId, json.maxLength(configMaxLength));
    }

    /** strip_accents null means: strip them when lowercasing, as the library does. */
    private static BertNormalizer bertNormalizer(JsonFields n) {
        boolean lowercase = n.bool("lowercase", true);
        return new BertNormalizer(n.bool("clean_text", true), n.bool("handle_chinese_chars", true),
                n.bool("strip_accents", lowercase), lowercase);
    }

    /** padding.pad_id when the file pads, else [PAD]'s id, else 0. */
    private static int padId(TokenizerJson json) {
        JsonFields padding = json.root().optionalObject("padding");
        if (padding != null && padding.has("pad_id")) {
            return padding.integer("pad_id", 0, 0, Integer.MAX_VALUE);
        }
        int pad = json.vocab().id("[PAD]");
        return pad < 0 ? 0 : pad;
    }
}
