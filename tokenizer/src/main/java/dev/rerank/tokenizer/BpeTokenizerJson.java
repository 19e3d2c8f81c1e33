package dev.rerank.tokenizer;

import java.util.List;

/**
 * The byte-level BPE part of tokenizer.json (GPT-2, RoBERTa): model BPE without dropout,
 * affixes or byte fallback, no normalizer, a ByteLevel pre-tokenizer and decoder. Anything else
 * is refused with an error naming the part, never approximated.
 */
final class BpeTokenizerJson {
    private BpeTokenizerJson() {}

    static Tokenizer build(TokenizerJson json, int configMaxLength) {
        JsonFields root = json.root();
        JsonFields model = json.model();
        if (json.merges() == null) {
            throw root.error("'model.merges' is missing or not an array");
        }
        JsonFields normalizer = root.optionalObject("normalizer");
        if (normalizer != null) {
            throw root.unsupported("normalizer '" + normalizer.string("type", "?")
                    + "' (byte-level BPE is implemented without one)");
        }
        if (model.number("dropout") != null && model.number("dropout").signum() != 0) {
            throw root.unsupported("BPE dropout");
        }
        for (String affix : new String[] {"continuing_subword_prefix", "end_of_word_suffix"}) {
            if (!model.string(affix, "").isEmpty()) {
                throw root.unsupported("BPE " + affix);
            }
        }
        if (model.bool("byte_fallback", false)) {
            throw root.unsupported("BPE byte_fallback");
        }
        JsonFields pre = json.part("pre_tokenizer", "ByteLevel");
        if (pre == null) {
            throw root.unsupported("a missing pre_tokenizer (byte-level BPE needs ByteLevel)");
        }
        json.part("decoder", "ByteLevel");

        List<AddedToken> added = json.addedTokens();
        ByteLevelBpe bpe = ByteLevelBpe.create(json.vocab(), json.merges(), added, pre.bool("add_prefix_space", false),
                pre.bool("use_regex", true), model.bool("ignore_merges", false), json.file());
        TokenTable tokenById = Vocabulary.tokenById(json.vocab(), added, json.file());
        PairTemplate template = json.postProcessor();
        Vocabulary.checkSpecials(template, tokenById, json.file());
        int pad = json.vocab().id("<pad>");
        return new Tokenizer(bpe, template, tokenById, added, true, pad < 0 ? 1 : pad,
                json.maxLength(configMaxLength));
    }
}
