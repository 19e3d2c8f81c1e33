package dev.rerank.tokenizer;

/** How a pair is shortened to fit {@code max_length}, with the Hugging Face tokenizers' rules. */
public enum Truncation {
    /** Shorten the longer text first; when both are long, they share the room equally. */
    LONGEST_FIRST,
    /** Only ever shorten the first text. */
    ONLY_FIRST,
    /** Only ever shorten the second text. */
    ONLY_SECOND;

    /** Parses {@code longest_first}, {@code only_first} or {@code only_second}. */
    public static Truncation parse(String name) {
        for (Truncation t : values()) {
            if (t.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException(
                "unknown truncation strategy '" + name + "': use longest_first, only_first or only_second");
    }

    /**
     * The lengths {first, second} to keep so that both fit in {@code room} tokens (the special
     * tokens already subtracted). This is not "drop one token at a time from the longer": when
     * both are longer than half the room, each gets half, and an odd token over goes to the
     * longer text (to the second when they are equally long), as in the library's
     * utils/truncation.rs.
     */
    int[] keep(int first, int second, int room) {
        if (first + second <= room) {
            return new int[] {first, second};
        }
        if (room == 0) {
            // With no room at all the reference empties both texts, whatever the strategy.
            return new int[] {0, 0};
        }
        int toRemove = first + second - room;
        return switch (this) {
            case LONGEST_FIRST -> {
                int shorter = Math.min(first, second);
                if (2 * (long) shorter > room) {
                    // Both are too long for half the room: the shorter gets the lower half, the
                    // longer the rest (the odd token).
                    int half = room / 2;
                    yield first > second ? new int[] {room - half, half} : new int[] {half, room - half};
                }
                // The shorter one fits in half the room: it stays whole, the longer takes the rest.
                yield first <= second ? new int[] {first, room - first} : new int[] {room - second, second};
            }
            case ONLY_FIRST -> {
                if (first <= toRemove) {
                    throw tooShort("first", first, toRemove);
                }
                yield new int[] {first - toRemove, second};
            }
            case ONLY_SECOND -> {
                if (second <= toRemove) {
                    throw tooShort("second", second, toRemove);
                }
                yield new int[] {first, second - toRemove};
            }
        };
    }

    private static TokenizerException tooShort(String which, int length, int toRemove) {
        return new TokenizerException("truncation only_" + which + ": the " + which + " text has " + length
                + " tokens, too few to remove the " + toRemove + " needed to fit max_length");
    }
}
