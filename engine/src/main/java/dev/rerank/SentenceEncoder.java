package dev.rerank;

import dev.rerank.embedding.Pooling;
import dev.rerank.embedding.SentenceTransformersDir;
import dev.rerank.model.Encoder;
import dev.rerank.model.ModelConfig;
import dev.rerank.model.ModelException;
import dev.rerank.model.RowSelection;
import dev.rerank.tokenizer.Encoding;
import dev.rerank.tokenizer.Tokenizer;
import dev.rerank.tokenizer.TruncationDirection;
import dev.rerank.weights.DType;
import dev.rerank.weights.WeightSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns texts into embeddings with a BERT or RoBERTa bi-encoder, as sentence-transformers'
 * {@code SentenceTransformer.encode} does: tokenize ({@code [CLS] text [SEP]}, cut to the model's
 * max_seq_length), run the encoder, pool the last hidden states (mean, cls, max, ...), normalize
 * if the model says so.
 *
 * <pre>{@code
 * try (SentenceEncoder model = SentenceEncoder.load(Path.of("all-MiniLM-L6-v2"))) {
 *     float[][] embeddings = model.encode(List.of("A man is eating.", "A man eats food."));
 *     float similarity = SentenceEncoder.similarity(embeddings[0], embeddings[1]);
 * }
 * }</pre>
 *
 * <p>Texts are sorted by length and run in batches laid end to end without padding. Thread-safe,
 * and an embedding is bit-identical whatever the thread count or the other texts in its batch.
 */
public final class SentenceEncoder implements AutoCloseable {
    private static final AtomicBoolean WARNED_NO_MODULES = new AtomicBoolean();

    private final Encoder model;
    private final Tokenizer tokenizer;
    private final Pooling pooling;
    private final BatchRunner runner;
    private final int maxLength;
    private final boolean lowerCase;
    private final Map<String, String> prompts;
    private final String defaultPrompt;

    private SentenceEncoder(Encoder model, Tokenizer tokenizer, Pooling pooling, int threads, int batchSize,
                            int maxLength, boolean lowerCase, Map<String, String> prompts, String defaultPrompt) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.pooling = pooling;
        this.runner = new BatchRunner(model, threads, batchSize, "SentenceEncoder");
        this.maxLength = maxLength;
        this.lowerCase = lowerCase;
        this.prompts = prompts;
        this.defaultPrompt = defaultPrompt;
    }

    /** Loads a model directory with the defaults: all cores, batches of 32, the model's max_seq_length. */
    public static SentenceEncoder load(Path dir) {
        return builder(dir).build();
    }

    /** Loads a local directory or a Hugging Face hub id (downloaded into the shared cache), with the defaults. */
    public static SentenceEncoder load(String idOrPath) {
        return load(dev.rerank.hub.Hub.resolve(idOrPath));
    }

    public static Builder builder(Path dir) {
        return new Builder(dir, null, null, null, null);
    }

    /** A model from weights already open (e.g. synthetic ones), with its config, tokenizer and pooling. */
    public static Builder builder(ModelConfig config, WeightSource weights, Tokenizer tokenizer, Pooling pooling) {
        return new Builder(null, config, weights, tokenizer, pooling);
    }

    public static final class Builder {
        private final Path dir;
        private final ModelConfig config;
        private final WeightSource weights;
        private final Tokenizer tokenizer;
        private final Pooling pooling;
        private final EncoderSettings settings = new EncoderSettings();
        private Boolean normalize;

        private Builder(Path dir, ModelConfig config, WeightSource weights, Tokenizer tokenizer, Pooling pooling) {
            this.dir = dir;
            this.config = config;
            this.weights = weights;
            this.tokenizer = tokenizer;
            this.pooling = pooling;
        }

        /** As {@link CrossEncoder.Builder#weightsDtype}: the precision weights are kept in (default: as stored). */
        public Builder weightsDtype(DType dtype) {
            settings.weightsDtype(dtype);
            return this;
        }

        /**
         * Worker threads for one call (default: available processors). A count above the available
         * processors is lowered to them, since more only take turns on the cores and slow every
         * call; {@link SentenceEncoder#threads()} says how many the model runs.
         */
        public Builder threads(int threads) {
            settings.threads(threads);
            return this;
        }

        /** Texts per forward pass (default 32). */
        public Builder batchSize(int batchSize) {
            settings.batchSize(batchSize);
            return this;
        }

        /** Texts longer than this many tokens (special tokens included) are cut (default: max_seq_length). */
        public Builder maxLength(int maxLength) {
            settings.maxLength(maxLength, 2, "the special tokens");
            return this;
        }

        /** Scale embeddings to unit length, or not, whatever the model directory says. */
        public Builder normalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        public SentenceEncoder build() {
            VectorSupport.require();
            if (dir == null) {
                int length = length(config, tokenizer, -1);
                return create(Encoder.load(config, weights, false, settings.weightsDtype), tokenizer, pooling, length, false,
                        Map.of(), null);
            }
            if (!Files.isDirectory(dir)) {
                throw new ModelException("model directory not found: " + dir);
            }
            SentenceTransformersDir st = SentenceTransformersDir.read(dir);
            if (!st.fromModules() && WARNED_NO_MODULES.compareAndSet(false, true)) {
                System.err.println("note: " + dir + " has no modules.json; using mean pooling, as sentence-transformers does");
            }
            Tokenizer tok = Tokenizer.load(st.transformer());
            ModelConfig cfg = settings.config(st.transformer(), false);
            int length = length(cfg, tok, st.maxSeqLength()); // checked before the weights load
            return create(settings.load(st.transformer(), cfg, false), tok, st.pooling(), length, st.doLowerCase(),
                    st.prompts(), st.defaultPrompt());
        }

        /** The max length: as asked, else the model directory's max_seq_length (if any), within what model and tokenizer allow. */
        private int length(ModelConfig cfg, Tokenizer tok, int maxSeqLength) {
            int maxLength = settings.maxLength;
            int limit = BatchRunner.lengthLimit(cfg, tok, maxLength);
            return maxLength > 0 ? maxLength : maxSeqLength > 0 ? Math.min(maxSeqLength, limit) : limit;
        }

        private SentenceEncoder create(Encoder model, Tokenizer tok, Pooling pool, int length, boolean lower,
                                       Map<String, String> prompts, String defaultPrompt) {
            Pooling p = normalize == null ? pool : pool.withNormalize(normalize);
            return new SentenceEncoder(model, tok, p, settings.threads, settings.batchSize, length, lower, prompts,
                    defaultPrompt);
        }
    }

    /** One embedding per text, in input order (with the model's default prompt, if it has one). */
    public float[][] encode(List<String> texts) {
        return encode(texts, defaultPrompt);
    }

    public float[] encode(String text) {
        return encode(List.of(text))[0];
    }

    /** With a named prompt of the model (config_sentence_transformers.json) put before each text; null for none. */
    public float[][] encode(List<String> texts, String promptName) {
        String prompt = "";
        if (promptName != null) {
            prompt = prompts.get(promptName);
            if (prompt == null) {
                throw new IllegalArgumentException("the model has no prompt named '" + promptName + "'"
                        + (prompts.isEmpty() ? "" : " (it has " + String.join(", ", prompts.keySet()) + ")"));
            }
        }
        List<Encoding> inputs = new java.util.ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (text == null) {
                throw new IllegalArgumentException("text " + i + " is null");
            }
            inputs.add(tokenize(prompt + text));
        }
        return embeddingsOf(inputs);
    }

    /**
     * Embeddings of texts the caller has already tokenized (with this model's tokenizer, framed
     * as {@link #tokenize} frames them, within {@link #maxLength()}), in input order: for callers
     * that need the tokens themselves, to count them or to truncate another way.
     *
     * @throws IllegalArgumentException when an encoding is longer than {@link #maxLength()}
     */
    public float[][] embeddingsOf(List<Encoding> encodings) {
        Encoding[] inputs = encodings.toArray(Encoding[]::new);
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i].length() > maxLength) {
                throw new IllegalArgumentException("encoding " + i + " has " + inputs[i].length()
                        + " tokens, more than the max length of " + maxLength);
            }
        }
        int hidden = model.config().hiddenSize();
        RowSelection rows = pooling.firstTokenOnly() ? RowSelection.FIRST_TOKENS : RowSelection.EVERY_TOKEN;
        return runner.run(inputs, (batch, ws, parallel) -> {
            float[] states = model.forward(batch, rows, ws, parallel, null);
            float[][] out = new float[batch.sequences()][];
            for (int s = 0; s < out.length; s++) {
                out[s] = rows == RowSelection.FIRST_TOKENS
                        ? pooling.pool(states, s, 1, hidden)
                        : pooling.pool(states, batch.start(s), batch.length(s), hidden);
            }
            return out;
        });
    }

    /** The tokens the model sees for a text: {@code [CLS] text [SEP]}, cut to the max length. */
    public Encoding tokenize(String text) {
        return tokenize(text, maxLength, TruncationDirection.RIGHT);
    }

    /** The same, cut to {@code maxLength} tokens from the given end (Integer.MAX_VALUE: not cut). */
    public Encoding tokenize(String text, int maxLength, TruncationDirection direction) {
        String t = lowerCase ? text.toLowerCase(Locale.ROOT) : text;
        return tokenizer.encodeSingle(t, maxLength, direction);
    }

    /** The model's named prompts (config_sentence_transformers.json), name → text. */
    public Map<String, String> prompts() {
        return prompts;
    }

    /** The prompt {@link #encode(List)} puts before each text (default_prompt_name), or null for none. */
    public String defaultPromptName() {
        return defaultPrompt;
    }

    /** Cosine similarity, as sentence-transformers' default similarity function. */
    public static float similarity(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("embeddings of different sizes: " + a.length + " and " + b.length);
        }
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        // Each side is normalized as torch.nn.functional.normalize does: divided by max(‖v‖, 1e-12).
        return (float) (dot / (Math.max(Math.sqrt(aa), 1e-12) * Math.max(Math.sqrt(bb), 1e-12)));
    }

    /** Length of an embedding. */
    public int dimension() {
        return pooling.dimension(model.config().hiddenSize());
    }

    public Pooling pooling() {
        return pooling;
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

    /** Stops the worker threads, frees the weights and drops the buffers; later calls fail. */
    @Override
    public void close() {
        runner.close();
    }
}
