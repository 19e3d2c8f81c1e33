package dev.rerank;

import dev.rerank.kernels.Activations;
import dev.rerank.kernels.Softmax;
import dev.rerank.model.Encoder;
import dev.rerank.model.ModelConfig;
import dev.rerank.tokenizer.Encoding;
import dev.rerank.tokenizer.Tokenizer;
import dev.rerank.tokenizer.Truncation;
import dev.rerank.tokenizer.TruncationDirection;
import dev.rerank.weights.DType;
import dev.rerank.weights.WeightSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Scores text pairs with a BERT or RoBERTa cross-encoder, as sentence-transformers' {@code CrossEncoder} does.
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

    private final Encoder model;
    private final Tokenizer tokenizer;
    private final BatchRunner runner;
    private final int maxLength;

    private CrossEncoder(Encoder model, Tokenizer tokenizer, int threads, int maxLength, int batchSize) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.runner = new BatchRunner(model, threads, batchSize, "CrossEncoder");
        this.maxLength = maxLength;
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
    public static Builder builder(ModelConfig config, WeightSource weights, Tokenizer tokenizer) {
        return new Builder(config, weights, tokenizer);
    }

    public static final class Builder {
        private final Path dir;
        private ModelConfig config;
        private WeightSource weights;
        private Tokenizer tokenizer;
        private final EncoderSettings settings = new EncoderSettings();

        private Builder(Path dir) {
            this.dir = dir;
        }

        private Builder(ModelConfig config, WeightSource weights, Tokenizer tokenizer) {
            this.dir = null;
            this.config = config;
            this.weights = weights;
            this.tokenizer = tokenizer;
        }

        /**
         * The precision weight matrices and embedding tables are kept in (default: as stored, so F16
         * and BF16 checkpoints stay 16-bit). {@link DType#BF16} rounds float32 weights to bfloat16 at
         * load — half the memory, faster where weight bandwidth limits, logits within a few 1e-3 of
         * float32 (see the README); {@link DType#F32} widens 16-bit weights at load. Activations and
         * accumulation are float32 either way.
         */
        public Builder weightsDtype(DType dtype) {
            settings.weightsDtype(dtype);
            return this;
        }

        /**
         * Worker threads for one call (default: available processors). A count above the available
         * processors is lowered to them, since more only take turns on the cores and slow every
         * call; {@link CrossEncoder#threads()} says how many the model runs.
         */
        public Builder threads(int threads) {
            settings.threads(threads);
            return this;
        }

        /** Pairs longer than this many tokens are truncated, longest text first (default: the model's). */
        public Builder maxLength(int maxLength) {
            settings.maxLength(maxLength, 1, "a positive number");
            return this;
        }

        /** Pairs per forward pass (default 32). */
        public Builder batchSize(int batchSize) {
            settings.batchSize(batchSize);
            return this;
        }

        public CrossEncoder build() {
            VectorSupport.require();
            ModelConfig cfg = config;
            Tokenizer tok = tokenizer;
            if (dir != null) {
                // The config first: a model without a head fails before the tokenizer and weights load.
                cfg = settings.config(dir, true);
                tok = Tokenizer.load(dir);
            }
            int maxLength = settings.maxLength;
            int limit = BatchRunner.lengthLimit(cfg, tok, maxLength);
            if (maxLength >= 0 && maxLength < tok.specialTokens(true)) {
                throw new IllegalArgumentException("max length must be at least " + tok.specialTokens(true)
                        + " (the pair's special tokens), got " + maxLength);
            }
            Encoder model = dir != null ? settings.load(dir, cfg, true) : Encoder.load(config, weights, true, settings.weightsDtype);
            return new CrossEncoder(model, tok, settings.threads, maxLength > 0 ? maxLength : limit, settings.batchSize);
        }
    }

    /**
     * Drops the activation buffers kept between calls (sized by the largest batch so far), so that
     * an idle process can give their memory back; the next call allocates them again. The results
     * are the same either way. The server calls this when it goes idle.
     */
    public void releaseBuffers() {
        runner.releaseBuffers();
    }

    /** The worker threads one call runs on: the builder's count, lowered to the available processors. */
    public int threads() {
        return runner.threads();
    }

    public ModelConfig config() {
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
        requireOneLabel();
        return firstColumn(predict(pairs, Output.ACTIVATED));
    }

    private void requireOneLabel() {
        if (config().numLabels() != 1) {
            throw new IllegalStateException("the model has " + config().numLabels()
                    + " labels: use predict(pairs, Output.PROBABILITIES) or Output.LOGITS");
        }
    }

    private static float[] firstColumn(float[][] rows) {
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
        requireOneLabel();
        float[] scores = firstColumn(transform(logitsOf(encodeAgainst(query, documents)), Output.ACTIVATED));
        List<Ranked> ranked = new ArrayList<>(scores.length);
        for (int i = 0; i < scores.length; i++) {
            ranked.add(new Ranked(i, scores[i], documents.get(i)));
        }
        // Stable sort: equal scores keep input order.
        ranked.sort(Comparator.comparingDouble((Ranked r) -> r.score()).reversed());
        return topK > 0 && topK < ranked.size() ? List.copyOf(ranked.subList(0, topK)) : ranked;
    }

    /**
     * One pair as the model sees it ({@code [CLS] a [SEP] b [SEP]} for BERT, {@code <s> a </s></s> b </s>}
     * for RoBERTa), truncated to the max length longest text first.
     */
    public Encoding encode(Pair pair) {
        return tokenizer.encodePair(pair.a(), pair.b(), maxLength, Truncation.LONGEST_FIRST);
    }

    /**
     * The query paired with each document, exactly as {@link #encode} frames {@code new Pair(query, d)},
     * with the query tokenized once rather than once per document: a long query ranked against
     * many short documents would otherwise cost its tokenization again for each of them.
     */
    public List<Encoding> encodeAgainst(String query, List<String> documents) {
        if (query == null) {
            throw new IllegalArgumentException("a pair needs two texts, got null");
        }
        int[] queryIds = tokenizer.encode(query).ids();
        List<Encoding> out = new ArrayList<>(documents.size());
        for (String d : documents) {
            if (d == null) {
                throw new IllegalArgumentException("a pair needs two texts, got null");
            }
            out.add(tokenizer.encodePairWithFirstIds(queryIds, d, maxLength, Truncation.LONGEST_FIRST, TruncationDirection.RIGHT));
        }
        return out;
    }

    /**
     * Logits of pairs the caller has already encoded (with this model's tokenizer, within
     * {@link #maxLength()}), in input order: for callers that need the tokens themselves, to
     * count them or to truncate another way, without tokenizing twice.
     *
     * @throws IllegalArgumentException when an encoding is longer than {@link #maxLength()}
     */
    public float[][] logitsOf(List<Encoding> encoded) {
        Encoding[] inputs = encoded.toArray(Encoding[]::new);
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i].length() > maxLength) {
                throw new IllegalArgumentException("encoding " + i + " has " + inputs[i].length()
                        + " tokens, more than the max length of " + maxLength);
            }
        }
        return runner.run(inputs, (batch, ws, parallel) -> model.classify(batch, ws, parallel, null));
    }

    private float[][] logits(List<Pair> pairs) {
        Encoding[] inputs = new Encoding[pairs.size()];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = encode(pairs.get(i));
        }
        return logitsOf(List.of(inputs));
    }

    private void activate(float[] row) {
        switch (config().activation()) {
            case SIGMOID -> Activations.sigmoid(row, 0, row.length);
            case TANH -> Activations.tanh(row, 0, row.length);
            case IDENTITY -> { }
        }
    }

    /** Stops the worker threads, frees the weights and drops the buffers; later calls fail. */
    @Override
    public void close() {
        runner.close();
    }
}
