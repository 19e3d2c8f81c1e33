package dev.rerank.tokenizer;

import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The original GPT-2 / RoBERTa form of a byte-level BPE tokenizer: {@code vocab.json} + {@code merges.txt}. */
final class VocabJsonMergesTxt {
    private VocabJsonMergesTxt() {}

    static Tokenizer load(Path vocabFile, Path mergesFile, int maxLength) {
        TokenTable vocab;
        try (JsonReader r = new JsonReader(Files.newBufferedReader(vocabFile, StandardCharsets.UTF_8))) {
            vocab = Vocabulary.read(r, vocabFile.toString());
        } catch (NoSuchFileException e) {
            throw new TokenizerException("tokenizer file not found: " + vocabFile);
        } catch (TokenizerException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw TokenizerFiles.malformed(vocabFile.toString(), "invalid JSON (" + TokenizerFiles.rootCause(e) + ")");
        }
        List<String> lines = TokenizerFiles.readLines(mergesFile);
        List<MergeSpelling> merges = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if ((i == 0 && line.startsWith("#version")) || line.isEmpty()) {
                continue;
            }
            merges.add(MergeSpelling.ofSpaced(line, mergesFile.toString(), "line", i + 1));
        }
        // The RoBERTa special tokens; <mask> swallows the space before it, as in the reference.
        List<AddedToken> added = new ArrayList<>();
        for (String special : new String[] {"<s>", "<pad>", "</s>", "<unk>", "<mask>"}) {
            int id = vocab.id(special);
            if (id < 0) {
                throw TokenizerFiles.malformed(vocabFile.toString(), "the RoBERTa special token " + special + " is missing");
            }
            added.add(new AddedToken(special, id, true, special.equals("<mask>"), false, false, true));
        }
        String where = mergesFile.toString();
        ByteLevelBpe bpe = ByteLevelBpe.create(vocab, merges, added, false, true, false, where);
        TokenTable tokenById = Vocabulary.tokenById(vocab, added, where);
        return new Tokenizer(bpe, PairTemplate.roberta(vocab.id("<s>"), vocab.id("</s>")), tokenById, added, true,
                vocab.id("<pad>"), maxLength);
    }
}
