package dev.rerank.tokenizer;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds which on-disk form a tokenizer has and hands it to that form's reader: Hugging Face's
 * {@code tokenizer.json} ({@link TokenizerJson}), GPT-2's {@code vocab.json} + {@code merges.txt}
 * ({@link VocabJsonMergesTxt}) or BERT's {@code vocab.txt} ({@link VocabTxt}). Anything a reader
 * does not implement exactly is refused with an error naming the file and the part.
 */
final class TokenizerLoader {
    private TokenizerLoader() {}

    static Tokenizer load(Path path) {
        if (Files.isDirectory(path)) {
            Path config = path.resolve("tokenizer_config.json");
            int maxLength = modelMaxLength(config);
            Path json = path.resolve("tokenizer.json");
            if (Files.exists(json)) {
                return TokenizerJson.load(json, maxLength);
            }
            Path vocab = path.resolve("vocab.json");
            Path merges = path.resolve("merges.txt");
            if (Files.exists(vocab) && Files.exists(merges)) {
                return VocabJsonMergesTxt.load(vocab, merges, maxLength);
            }
            Path vocabTxt = path.resolve("vocab.txt");
            if (Files.exists(vocabTxt)) {
                return VocabTxt.load(vocabTxt, config, maxLength);
            }
            throw new TokenizerException("no tokenizer in " + path
                    + ": expected tokenizer.json, vocab.json and merges.txt, or vocab.txt");
        }
        if (!Files.exists(path)) {
            throw new TokenizerException("tokenizer not found: " + path);
        }
        Path dir = path.toAbsolutePath().getParent();
        return TokenizerJson.load(path, modelMaxLength(dir.resolve("tokenizer_config.json")));
    }

    /** tokenizer_config.json's model_max_length; transformers writes 1e30 for "no limit". */
    private static int modelMaxLength(Path config) {
        if (!Files.exists(config)) {
            return Integer.MAX_VALUE;
        }
        JsonFields json = TokenizerFiles.readObject(config);
        BigDecimal max = json.number("model_max_length");
        if (max == null) {
            return Integer.MAX_VALUE;
        }
        if (max.compareTo(BigDecimal.ONE) < 0) {
            throw json.error("'model_max_length' must be at least 1, not " + max);
        }
        return max.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) >= 0 ? Integer.MAX_VALUE : max.intValue();
    }
}
