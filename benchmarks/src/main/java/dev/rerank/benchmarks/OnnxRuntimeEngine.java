package dev.rerank.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The peer: ONNX Runtime's Java binding (CPU, ORT_ENABLE_ALL, sequential execution, intra-op
 * threads = ours) on the ONNX export of the same synthetic weights. Batches are padded to their
 * longest sequence with an attention mask, as a user of ONNX Runtime would feed it.
 */
final class OnnxRuntimeEngine implements AutoCloseable {
    private static final long PAD = 1;
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    OnnxRuntimeEngine(Path onnx, int threads) throws OrtException {
        if (!Files.exists(onnx)) {
            throw new IllegalStateException(onnx + " is missing: run benchmarks/run.sh, which exports it "
                    + "(needs Debian's python3-torch: apt-get install -y python3-torch)");
        }
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        session = env.createSession(onnx.toString(), options);
    }

    /** Logits [sequence][label] for token sequences, in batches of {@code batchSize}, optionally sorted by length. */
    float[][] logits(List<int[]> sequences, int batchSize, boolean sortByLength) throws OrtException {
        Integer[] order = new Integer[sequences.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (sortByLength) {
            Arrays.sort(order, Comparator.comparingInt((Integer i) -> -sequences.get(i).length));
        }
        float[][] out = new float[sequences.size()][];
        for (int from = 0; from < order.length; from += batchSize) {
            int to = Math.min(order.length, from + batchSize);
            int longest = 0;
            for (int k = from; k < to; k++) {
                longest = Math.max(longest, sequences.get(order[k]).length);
            }
            int n = to - from;
            long[] ids = new long[n * longest];
            long[] mask = new long[n * longest];
            Arrays.fill(ids, PAD);
            for (int k = from; k < to; k++) {
                int[] s = sequences.get(order[k]);
                for (int t = 0; t < s.length; t++) {
                    ids[(k - from) * longest + t] = s[t];
                    mask[(k - from) * longest + t] = 1;
                }
            }
            long[] shape = {n, longest};
            try (OnnxTensor idTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
                 OnnxTensor maskTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
                 OrtSession.Result result = session.run(Map.of("input_ids", idTensor, "attention_mask", maskTensor))) {
                float[][] logits = (float[][]) result.get(0).getValue();
                for (int k = from; k < to; k++) {
                    out[order[k]] = logits[k - from];
                }
            }
        }
        return out;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
