package dev.rerank.tokenizer;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The token-to-id table every file form holds, and the checks that tie added and special tokens to it. */
final class Vocabulary {
    private Vocabulary() {}

    /** Ids above this are refused before any array is sized by them. */
    static final int MAX_ID = 50_000_000;
    /** Unused ids a vocabulary may have beyond as many as it has entries (real ones have none or a few). */
    static final int MAX_GAP = 1024;

    /**
     * A JSON object of token to id (vocab.json, tokenizer.json's model.vocab), streamed. Ids must be
     * nearly dense (the highest below twice the entries, plus {@link #MAX_GAP}): every id table is
     * sized by the highest id, so a 3 KB file claiming id 30,000,000 must not cost 240 MB.
     */
    static Map<String, Integer> read(JsonReader r, String where) throws IOException {
        Map<String, Integer> vocab = new HashMap<>(100_000);
        Map<Integer, String> byId = new HashMap<>(100_000); // finds duplicate ids without an array sized by them
        int maxId = -1;
        r.beginObject();
        while (r.hasNext()) {
            String token = r.nextName();
            if (r.peek() != JsonToken.NUMBER) {
                throw TokenizerFiles.malformed(where, "vocabulary entry '" + token + "' has no integer id");
            }
            int id = r.nextInt();
            if (id < 0 || id > MAX_ID) {
                throw TokenizerFiles.malformed(where, "vocabulary entry '" + token + "' has an impossible id " + id);
            }
            String before = byId.putIfAbsent(id, token);
            if (before != null) {
                throw TokenizerFiles.malformed(where, "duplicate id " + id + " for '" + before + "' and '" + token + "'");
            }
            vocab.put(token, id);
            maxId = Math.max(maxId, id);
        }
        r.endObject();
        if (maxId >= 2L * vocab.size() + MAX_GAP) {
            throw TokenizerFiles.malformed(where, "vocabulary ids reach " + maxId + " with only " + vocab.size()
                    + " entries: ids must be (nearly) dense");
        }
        return vocab;
    }

    /** "a b" as {a, b}. */
    static String[] splitMerge(String text, String where, String what) {
        int space = text.indexOf(' ');
        if (space <= 0 || space == text.length() - 1 || text.indexOf(' ', space + 1) >= 0) {
            throw TokenizerFiles.malformed(where, what + " is not two symbols separated by one space: '" + text + "'");
        }
        return new String[] {text.substring(0, space), text.substring(space + 1)};
    }

    /**
     * Every id's spelling: the vocabulary's, and the added tokens' (which may extend it). An added
     * token must not take an id the vocabulary gives to another token, nor lie beyond the
     * vocabulary and the added tokens together.
     */
    static String[] tokenById(Map<String, Integer> vocab, List<AddedToken> added, String where) {
        int size = 0;
        for (int id : vocab.values()) {
            size = Math.max(size, id + 1);
        }
        long limit = (long) Math.max(size, vocab.size()) + added.size();
        for (AddedToken t : added) {
            if (t.id() < 0 || t.id() >= limit) {
                throw TokenizerFiles.malformed(where, "added token '" + t.content() + "' has id " + t.id()
                        + ", outside the " + size + " ids of the vocabulary and the " + added.size() + " added tokens");
            }
            size = Math.max(size, t.id() + 1);
        }
        String[] tokenById = new String[size];
        vocab.forEach((token, id) -> tokenById[id] = token);
        for (AddedToken t : added) {
            if (tokenById[t.id()] != null && !tokenById[t.id()].equals(t.content())) {
                throw TokenizerFiles.malformed(where, "added token " + t.content() + " has id " + t.id()
                        + ", which the vocabulary gives to " + tokenById[t.id()]);
            }
            tokenById[t.id()] = t.content();
        }
        return tokenById;
    }

    /** The special tokens of the post-processor must be ids of the vocabulary. */
    static void checkSpecials(PairTemplate template, String[] tokenById, String where) {
        for (int id : template.specialIds()) {
            if (id >= tokenById.length || tokenById[id] == null) {
                throw TokenizerFiles.malformed(where, "the post-processor's special token id " + id
                        + " is not in the vocabulary of " + tokenById.length + " ids");
            }
        }
    }
}
