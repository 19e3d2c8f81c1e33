package dev.rerank.model.family;

import dev.rerank.model.ConfigJson;

/**
 * The size keys most families spell alike, read with bounds that keep every weight array inside
 * Java's 2^31 elements and stop a typo from asking for terabytes.
 */
record Sizes(int vocab, int hidden, int heads, int layers, int intermediate, int positions) {
    static final int MAX_WIDTH = 65_536;
    static final int MAX_LAYERS = 1_000;
    static final int MAX_VOCAB = 10_000_000;
    static final int MAX_POSITIONS = 1_048_576;

    /** vocab_size, hidden_size, num_attention_heads, num_hidden_layers, intermediate_size, max_position_embeddings. */
    static Sizes read(ConfigJson c, Integer defaultPositions) {
        int vocab = c.integer("vocab_size", 1, MAX_VOCAB, null);
        int hidden = c.integer("hidden_size", 1, MAX_WIDTH, null);
        int heads = c.integer("num_attention_heads", 1, MAX_WIDTH, null);
        int layers = c.integer("num_hidden_layers", 0, MAX_LAYERS, null);
        int intermediate = c.integer("intermediate_size", 1, 4 * MAX_WIDTH, null);
        int positions = c.integer("max_position_embeddings", 1, MAX_POSITIONS, defaultPositions);
        fits(c, vocab, hidden);
        fits(c, positions, hidden);
        fits(c, 2L * intermediate, hidden);
        return new Sizes(vocab, hidden, heads, layers, intermediate, positions);
    }

    /** Heads must split hidden_size evenly where the head size is not a key of its own. */
    int headSize(ConfigJson c) {
        if (hidden % heads != 0) {
            throw c.error("hidden_size " + hidden + " is not a multiple of num_attention_heads " + heads);
        }
        return hidden / heads;
    }

    /** Fails unless a rows × width weight fits one Java array. */
    static void fits(ConfigJson c, long rows, long width) {
        if (rows * width > Integer.MAX_VALUE - 64) {
            throw c.error("a weight of " + rows + " × " + width + " values is larger than this engine can hold in one array");
        }
    }

    /** The activation key's value, which must be one this family's recipe names. */
    static String require(ConfigJson c, String key, String fallback, String... supported) {
        String value = c.string(key, fallback);
        for (String s : supported) {
            if (s.equals(value)) {
                return value;
            }
        }
        throw c.error("unsupported " + key + " " + value + " (supported: " + String.join(", ", supported) + ")");
    }
}
