package dev.rerank;

import dev.rerank.kernels.Activations;
import dev.rerank.kernels.Parallel;
import dev.rerank.kernels.Softmax;
import dev.rerank.model.ModelException;
import dev.rerank.model.Roberta;
import dev.rerank.model.RobertaConfig;
import dev.rerank.model.TokenBatch;
import dev.rerank.model.Workspace;
import dev.rerank.tokenizer.Tokenizer;
import dev.rerank.tokenizer.Truncation;
import dev.rerank.weights.ModelWeights;
import dev.rerank.weights.WeightSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Scores text pairs with a RoBERTa cross-encoder, as sentence-transformers' {@code CrossEncoder} does.
 *
 * <pre>{@code
 * try (CrossEncoder model = CrossEncoder.load(Path.of("my-model"))) {
 *     float[] scores = model.predict(List.of(new CrossEncoder.Pair("A man is eating.", "A man eats.")));
 *     List<CrossEncoder.Ranked> best = model.rank("query", documents, 10);
 * }
 * }</pre>
 *
 * <p>Pairs are tokenized, sorted by length and run in batches of similar length laid end to end
 * without padding; results come back in input order. Thread-safe: concurrent callers each get
 * their own buffers and share the weights and the worker threads, and get identical results for
 * identical input, whatever else is in the batch.
 */
public final class CrossEncoder implements AutoCloseable {
    /** Two texts to compare: for ranking, the query and one document. */
    public record Pair(String a, String b) {
        public Pair {
            if (a == null || b == null) {
                throw new IllegalArgumentException("a pair needs two texts, got null");
            }
        }
    }

    /** One document's place in a ranking: its index in the input, its score and its text. */
    public record Ranked(int corpusId, float score, String text) {}

    /** What predict returns per pair. */
    public enum Output {
        /** The model's activation applied to the logits (Sigmoid for 1-label models by default). */
        ACTIVATED,
        /** The raw logits. */
        LOGITS,
        /** softmax over the logits (for N-label models). */
        PROBABILITIES
    }

    private final Roberta model;
    private final Tokenizer tokenizer;
    private final Parallel parallel;
    private final int maxLength;
    private final int batchSize;
    private final ConcurrentLinkedQueue<Workspace> workspaces = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    private CrossEncoder(Roberta model, Tokenizer tokenizer, int threads, int maxLength, int batchSize) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.parallel = new Parallel(threads);
        this.maxLength = maxLength;
        this.batchSize = batchSize;
    }

    /** Loads a model directory with the defaults: all cores, batches of 32, the model's max length. */
    public static CrossEncoder load(Path dir) {
        return builder(dir).build();
    }

    /**
     * Loads a local model directory or a Hugging Face hub id ({@code org/name}), downloaded into
     * and then read from the same cache as Python's huggingface_hub (HF_HOME, HF_HUB_CACHE,
     * HF_TOKEN, HF_HUB_OFFLINE apply).
     */
    public static CrossEncoder load(String idOrPath) {
        return load(dev.rerank.hub.Hub.resolve(idOrPath));
    }

    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** A model from weights already open (e.g. synthetic ones), with its config and tokenizer. */
    public static Builder builder(RobertaConfig config, WeightSource weights, Tokenizer tokenizer) {
        return new Builder(config, weights, tokenizer);
    }

    public static final class Builder {
        private final Path dir;
        private RobertaConfig config;
        private WeightSource weights;
        private Tokenizer tokenizer;
        private int threads = Runtime.getRuntime().availableProcessors();
        private int maxLength = -1;
        private int batchSize = 32;

        private Builder(Path dir) {
            this.dir = dir;
        }

        private Builder(RobertaConfig config, WeightSource weights, Tokenizer tokenizer) {
            this.dir = null;
            this.config = config;
            this.weights = weights;
            this.tokenizer = tokenizer;
        }

        /** Worker threads for one call (default: available processors). */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Pairs longer than this many tokens are truncated, longest text first (default: the model's). */
        public Builder maxLength(int maxLength) {
            if (maxLength < 4) {
                throw new IllegalArgumentException("max length must be at least 4 (the pair's special tokens), got " + maxLength);
            }
            this.maxLength = maxLength;
            return this;
        }

        /** Pairs per forward pass (default 32). */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        public CrossEncoder build() {
            VectorSupport.require();
            Roberta model;
            Tokenizer tok = tokenizer;
            if (dir != null) {
                if (!Files.isDirectory(dir)) {
                    throw new ModelException("model directory not found: " + dir);
                }
                RobertaConfig cfg = RobertaConfig.load(dir.resolve("config.json"));
                tok = Tokenizer.load(dir);
                try (WeightSource w = ModelWeights.open(dir)) {
                    model = Roberta.load(cfg, w);
                }
            } else {
                model = Roberta.load(config, weights);
            }
            int limit = Math.min(model.config().maxSequenceLength(), tok.modelMaxLength());
            if (maxLength > limit) {
                throw new IllegalArgumentException("max length " + maxLength + " exceeds the model's limit of " + limit);
            }
            return new CrossEncoder(model, tok, threads, maxLength > 0 ? maxLength : limit, batchSize);
        }
    }

    public RobertaConfig config() {
        return model.config();
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public int maxLength() {
        return maxLength;
    }

    /** Scores of a 1-label model (its activation applied), one per pair, in input order. */
    public float[] predict(List<Pair> pairs) {
        if (config().numLabels() != 1) {
            throw new IllegalStateException("the model has " + config().numLabels()
                    + " labels: use predict(pairs, Output.PROBABILITIES) or Output.LOGITS");
        }
        float[][] rows = predict(pairs, Output.ACTIVATED);
        float[] scores = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            scores[i] = rows[i][0];
        }
        return scores;
    }

    /** One row per pair, in input order: logits, activated scores or probabilities. */
    public float[][] predict(List<Pair> pairs, Output output) {
        return transform(logits(pairs), output);
    }

    /** Logits as returned with {@link Output#LOGITS}, turned into another output (a new array). */
    public float[][] transform(float[][] logits, Output output) {
        float[][] out = new float[logits.length][];
        for (int i = 0; i < logits.length; i++) {
            float[] row = logits[i].clone();
            switch (output) {
                case LOGITS -> { }
                case PROBABILITIES -> Softmax.apply(row, 0, row.length);
                case ACTIVATED -> activate(row);
            }
            out[i] = row;
        }
        return out;
    }

    /**
     * The documents sorted by their score against the query, best first; at most {@code topK}
     * (all when topK ≤ 0). Only for 1-label models, as in sentence-transformers.
     */
    public List<Ranked> rank(String query, List<String> documents, int topK) {
        List<Pair> pairs = new ArrayList<>(documents.size());
        for (String d : documents) {
            pairs.add(new Pair(query, d));
        }
        float[] scores = predict(pairs);
        List<Ranked> ranked = new ArrayList<>(scores.length);
        for (int i = 0; i < scores.length; i++) {
            ranked.add(new Ranked(i, scores[i], documents.get(i)));
        }
        // Stable sort: equal scores keep input order.
        ranked.sort(Comparator.comparingDouble((Ranked r) -> r.score()).reversed());
        return topK > 0 && topK < ranked.size() ? List.copyOf(ranked.subList(0, topK)) : ranked;
    }

    /** Token ids of one pair as the model sees it: {@code <s> a </s></s> b </s>}, truncated to the max length. */
    public int[] encode(Pair pair) {
        return tokenizer.encodePair(pair.a(), pair.b(), maxLength, Truncation.LONGEST_FIRST).ids();
    }

    private float[][] logits(List<Pair> pairs) {
        if (closed) {
            throw new IllegalStateException("this CrossEncoder is closed");
        }
        int n = pairs.size();
        int[][] ids = new int[n][];
        for (int i = 0; i < n; i++) {
            ids[i] = encode(pairs.get(i));
        }
        // Longest first: similar lengths share a batch, and the biggest buffers are made at once.
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> -ids[i].length));
        float[][] results = new float[n][];
        Workspace ws = workspaces.poll();
        if (ws == null) {
            ws = model.newWorkspace(parallel.threads());
        }
        try {
            for (int from = 0; from < n; from += batchSize) {
                int to = Math.min(n, from + batchSize);
                int[][] group = new int[to - from][];
                for (int k = from; k < to; k++) {
                    group[k - from] = ids[order[k]];
                }
                float[][] out = model.forward(TokenBatch.of(group), ws, parallel, null);
                for (int k = from; k < to; k++) {
                    results[order[k]] = out[k - from];
                }
            }
        } finally {
            workspaces.offer(ws);
        }
        return results;
    }

    private void activate(float[] row) {
        switch (config().activation()) {
            case SIGMOID -> Activations.sigmoid(row, 0, row.length);
            case TANH -> Activations.tanh(row, 0, row.length);
            case IDENTITY -> { }
        }
    }

    /** Stops the worker threads and drops the buffers; later calls fail. */
    @Override
    public void close() {
        closed = true;
        parallel.close();
        workspaces.clear();
    }
}
