package dev.rerank.tokenizer;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.util.BitSet;
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
    static TokenTable read(JsonReader r, String where) throws IOException {
        TokenTable.Builder vocab = new TokenTable.Builder();
        BitSet seen = new BitSet(); // finds duplicates cheaply; at most MAX_ID bits (6 MB) for a hostile id
        int maxId = -1;
        int entries = 0;
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
            if (seen.get(id)) {
                throw TokenizerFiles.malformed(where, "duplicate id " + id + " for '" + vocab.spelling(id) + "' and '" + token + "'");
            }
            seen.set(id);
            vocab.put(token, id);
            maxId = Math.max(maxId, id);
            entries++;
        }
        r.endObject();
        if (maxId >= 2L * entries + MAX_GAP) {
            throw TokenizerFiles.malformed(where, "vocabulary ids reach " + maxId + " with only " + entries
                    + " entries: ids must be (nearly) dense");
        }
        return vocab.build();
    }

    /**
     * Every id's spelling: the vocabulary's, and the added tokens' (which may extend it). An added
     * token must not take an id the vocabulary gives to another token, nor lie beyond the
     * vocabulary and the added tokens together.
     */
    static TokenTable tokenById(TokenTable vocab, List<AddedToken> added, String where) {
        int size = vocab.size();
        long limit = (long) Math.max(size, vocab.tokens()) + added.size();
        for (AddedToken t : added) {
            if (t.id() < 0 || t.id() >= limit) {
                throw TokenizerFiles.malformed(where, "added token '" + t.content() + "' has id " + t.id()
                        + ", outside the " + size + " ids of the vocabulary and the " + added.size() + " added tokens");
            }
            size = Math.max(size, t.id() + 1);
        }
        Map<Integer, String> addedById = new HashMap<>();
        for (AddedToken t : added) {
            String spelling = vocab.has(t.id()) ? vocab.token(t.id()) : addedById.get(t.id());
            if (spelling != null && !spelling.equals(t.content())) {
                throw TokenizerFiles.malformed(where, "added token " + t.content() + " has id " + t.id()
                        + ", which the vocabulary gives to " + spelling);
            }
            addedById.put(t.id(), t.content());
        }
        return vocab.withSpellings(added);
    }

    /** The special tokens of the post-processor must be ids of the vocabulary. */
    static void checkSpecials(PairTemplate template, TokenTable tokenById, String where) {
        for (int id : template.specialIds()) {
            if (!tokenById.has(id)) {
                throw TokenizerFiles.malformed(where, "the post-processor's special token id " + id
                        + " is not in the vocabulary of " + tokenById.size() + " ids");
            }
        }
    }
}
