package dev.rerank.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenTableTest {
    private static TokenTable of(Object... tokensAndIds) {
        TokenTable.Builder b = new TokenTable.Builder();
        for (int i = 0; i < tokensAndIds.length; i += 2) {
            b.put((String) tokensAndIds[i], (Integer) tokensAndIds[i + 1]);
        }
        return b.build();
    }

    @Test
    void findsWholeTokensRangesAndJoinedRanges() {
        TokenTable t = of("un", 0, "##aff", 1, "able", 2, "unable", 3, "", 4);
        assertEquals(2, t.id("able"));
        assertEquals(3, t.id("xxunablexx", 2, 8));
        assertEquals(1, t.id("##", 0, 2, "unaffable", 2, 5), "a continuation found with its prefix joined on");
        assertEquals(3, t.id("un able", 0, 2, "un able", 3, 7), "a merge's two sides joined");
        assertEquals(4, t.id(""));
        assertEquals(-1, t.id("unab"));
        assertEquals(-1, t.id("abl"));
        assertEquals("unable", t.token(3));
        assertEquals(5, t.size());
        assertEquals(5, t.tokens());
    }

    @Test
    void idsWithoutATokenHaveNoSpelling() {
        TokenTable t = of("a", 0, "c", 2);
        assertEquals(3, t.size());
        assertTrue(t.has(2));
        assertFalse(t.has(1));
        assertNull(t.token(1));
        assertNull(t.token(3));
        assertFalse(t.has(-1));
    }

    @Test
    void aRepeatedTokenKeepsItsLaterIdAsAMapWould() {
        TokenTable t = of("a", 5, "b", 1, "a", 2);
        assertEquals(2, t.id("a"));
        assertFalse(t.has(5), "the earlier id lost its spelling");
        assertEquals(3, t.size(), "the id range ends at the last id that kept a spelling");
        assertEquals(2, t.tokens());
        assertEquals("a", t.token(2));
    }

    @Test
    void addedTokensGetSpellingsButAreNotLookedUp() {
        TokenTable vocab = of("a", 0, "b", 1);
        assertSame(vocab, vocab.withSpellings(List.of(new AddedToken("b", 1, true, false, false, false, false))));
        TokenTable all = vocab.withSpellings(List.of(new AddedToken("<extra>", 4, true, false, false, false, false)));
        assertEquals(5, all.size());
        assertEquals("<extra>", all.token(4));
        assertEquals("b", all.token(1));
        assertFalse(all.has(3));
        assertEquals(-1, all.id("<extra>"));
        assertEquals(1, all.id("b"));
    }

    @Test
    void agreesWithAHashMapOnManyRandomTokens() {
        Random random = new Random(7);
        Map<String, Integer> expected = new HashMap<>();
        TokenTable.Builder b = new TokenTable.Builder();
        int id = 0;
        for (int i = 0; i < 120_000; i++) {
            StringBuilder s = new StringBuilder();
            for (int n = random.nextInt(9); n >= 0; n--) {
                s.append((char) (random.nextBoolean() ? 'a' + random.nextInt(4) : 0x100 + random.nextInt(3)));
            }
            String token = s.toString();
            b.put(token, id);
            expected.put(token, id);
            id += 1 + random.nextInt(2); // some gaps
        }
        TokenTable t = b.build();
        assertEquals(expected.size(), t.tokens());
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            assertEquals(e.getValue(), t.id(e.getKey()), e.getKey());
            assertEquals(e.getKey(), t.token(e.getValue()));
        }
        int spelled = 0;
        for (int i = 0; i < t.size(); i++) {
            spelled += t.has(i) ? 1 : 0;
        }
        assertEquals(expected.size(), spelled, "ids whose token came again later have no spelling");
        assertEquals(-1, t.id("zzzz"));
    }
}
