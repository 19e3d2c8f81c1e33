package dev.rerank.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.rerank.tokenizer.Encoding;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The peer: ONNX Runtime's Java binding (CPU, ORT_ENABLE_ALL, sequential execution, intra-op
 * threads = ours) on the ONNX export of the same synthetic weights. Batches are padded to their
 * longest sequence with an attention mask, as a user of ONNX Runtime would feed it; a BERT export
 * (one with a {@code token_type_ids} input) also gets the tokenizer's type ids.
 */
final class OnnxRuntimeEngine implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final long padId;
    private final boolean tokenTypes;

    /**
     * @param padId the id padded positions get: masked out, but RoBERTa's positions are counted
     *              from the ids that are not padding, so it must be the model's pad_token_id
     */
    OnnxRuntimeEngine(Path onnx, int threads, int padId) throws OrtException {
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
        this.padId = padId;
        this.tokenTypes = session.getInputNames().contains("token_type_ids");
    }

    /** Logits [sequence][label] for tokenized inputs, in batches of {@code batchSize}, optionally sorted by length. */
    float[][] logits(List<Encoding> sequences, int batchSize, boolean sortByLength) throws OrtException {
        Integer[] order = new Integer[sequences.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (sortByLength) {
            Arrays.sort(order, Comparator.comparingInt((Integer i) -> -sequences.get(i).length()));
        }
        float[][] out = new float[sequences.size()][];
        for (int from = 0; from < order.length; from += batchSize) {
            int to = Math.min(order.length, from + batchSize);
            int longest = 0;
            for (int k = from; k < to; k++) {
                longest = Math.max(longest, sequences.get(order[k]).length());
            }
            int n = to - from;
            long[] ids = new long[n * longest];
            long[] mask = new long[n * longest];
            long[] types = new long[n * longest];
            Arrays.fill(ids, padId);
            for (int k = from; k < to; k++) {
                Encoding s = sequences.get(order[k]);
                for (int t = 0; t < s.length(); t++) {
                    int at = (k - from) * longest + t;
                    ids[at] = s.ids()[t];
                    mask[at] = 1;
                    types[at] = s.typeIds()[t];
                }
            }
            long[] shape = {n, longest};
            Map<String, OnnxTensor> inputs = new HashMap<>();
            try {
                inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
                inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
                if (tokenTypes) {
                    inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape));
                }
                try (OrtSession.Result result = session.run(inputs)) {
                    float[][] logits = (float[][]) result.get(0).getValue();
                    for (int k = from; k < to; k++) {
                        out[order[k]] = logits[k - from];
                    }
                }
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }
        return out;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
