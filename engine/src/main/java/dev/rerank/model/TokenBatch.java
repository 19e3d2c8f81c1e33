package dev.rerank.model;

/**
 * Several token sequences laid end to end, with no padding: sequence s is ids[starts[s], starts[s+1]).
 *
 * <p>Every layer but attention treats tokens independently, so concatenating sequences lets one
 * matrix multiply serve the whole batch while attention runs per sequence. No pad tokens means no
 * attention mask and no work spent on padding.
 */
public record TokenBatch(int[] ids, int[] starts) {
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

    /** dst[s * width ...] = the row of {@code width} values at each sequence's first token in src. */
    public void gatherFirstTokens(float[] src, int width, float[] dst) {
        for (int s = 0; s < sequences(); s++) {
            System.arraycopy(src, start(s) * width, dst, s * width, width);
        }
    }

    public int longest() {
        int max = 0;
        for (int s = 0; s < sequences(); s++) {
            max = Math.max(max, length(s));
        }
        return max;
    }

    public static TokenBatch of(int[]... sequences) {
        int total = 0;
        for (int[] s : sequences) {
            total += s.length;
        }
        int[] ids = new int[total];
        int[] starts = new int[sequences.length + 1];
        for (int i = 0; i < sequences.length; i++) {
            System.arraycopy(sequences[i], 0, ids, starts[i], sequences[i].length);
            starts[i + 1] = starts[i] + sequences[i].length;
        }
        return new TokenBatch(ids, starts);
    }
}
