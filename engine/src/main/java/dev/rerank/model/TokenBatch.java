package dev.rerank.model;

/**
 * Several token sequences laid end to end, with no padding: sequence s is ids[starts[s], starts[s+1]),
 * with its token types (0 for the first text of a pair, 1 for the second) in the same places.
 *
 * <p>Every layer but attention treats tokens independently, so concatenating sequences lets one
 * matrix multiply serve the whole batch while attention runs per sequence. No pad tokens means no
 * attention mask and no work spent on padding.
 */
public record TokenBatch(int[] ids, int[] typeIds, int[] starts) {
    public TokenBatch {
        if (typeIds.length != ids.length || starts.length == 0 || starts[starts.length - 1] != ids.length) {
            throw new IllegalArgumentException("token batch arrays disagree: " + ids.length + " ids, "
                    + typeIds.length + " type ids, sequences ending at " + starts[starts.length - 1]);
        }
    }

    public int sequences() {
        return starts.length - 1;
    }

    public int tokens() {
        return starts[starts.length - 1];
    }

    public int start(int sequence) {
        return starts[sequence];
    }

    public int length(int sequence) {
        return starts[sequence + 1] - starts[sequence];
    }

    /** The sequence that row {@code row} of the batch belongs to. */
    public int sequenceOf(int row) {
        int i = java.util.Arrays.binarySearch(starts, 0, starts.length - 1, row);
        if (i >= 0) {
            while (i + 1 < starts.length - 1 && starts[i + 1] == row) {
                i++; // empty sequences start where the next one does
            }
            return i;
        }
        return -i - 2;
    }

    public int longest() {
        int max = 0;
        for (int s = 0; s < sequences(); s++) {
            max = Math.max(max, length(s));
        }
        return max;
    }

    /** Sequences of one token type (RoBERTa's, or single texts). */
    public static TokenBatch of(int[]... sequences) {
        return of(sequences, new int[sequences.length][]);
    }

    /** Sequences with their token types; a null types entry means all zeros. */
    public static TokenBatch of(int[][] sequences, int[][] types) {
        int total = 0;
        for (int[] s : sequences) {
            total += s.length;
        }
        int[] ids = new int[total];
        int[] typeIds = new int[total];
        int[] starts = new int[sequences.length + 1];
        for (int i = 0; i < sequences.length; i++) {
            System.arraycopy(sequences[i], 0, ids, starts[i], sequences[i].length);
            if (types[i] != null) {
                if (types[i].length != sequences[i].length) {
                    throw new IllegalArgumentException("sequence " + i + " has " + sequences[i].length + " ids but "
                            + types[i].length + " type ids");
                }
                System.arraycopy(types[i], 0, typeIds, starts[i], types[i].length);
            }
            starts[i + 1] = starts[i] + sequences[i].length;
        }
        return new TokenBatch(ids, typeIds, starts);
    }
}
