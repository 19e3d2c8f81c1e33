package dev.rerank.cli;

import dev.rerank.embedding.SentenceTransformersDir;
import dev.rerank.model.ModelConfig;
import dev.rerank.tokenizer.Tokenizer;
import dev.rerank.weights.ModelWeights;
import dev.rerank.weights.TensorInfo;
import dev.rerank.weights.WeightSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** rerank info: what a model is — sizes, labels, parameters, dtype, tokenizer, activation. */
final class InfoCommand {
    static final String USAGE = """
            usage: rerank info [M] [--model M] [--revision R]

            Describes a model: its config, parameter count, weight dtype, tokenizer files and the
            activation applied to its logits.
            """;

    private final Console console;

    InfoCommand(Console console) {
        this.console = console;
    }

    void run(String[] argv) {
        ModelOptions.help(argv, USAGE);
        Args args = new Args(argv, 1, Set.of("model", "revision"), Set.of());
        if (args.positionals().size() > 1) {
            throw new UsageException("info takes one model");
        }
        String model = args.positionals().isEmpty() ? args.get("model", ModelResolver.DEFAULT_MODEL) : args.positionals().get(0);
        // Config and tokenizer only: a hub model's weights are not downloaded just to describe it.
        ModelResolver resolver = new ModelResolver(console.hub(), console.err());
        Path dir = resolver.resolveWithoutWeights(model, args.get("revision", "main"));
        boolean embedding = SentenceTransformersDir.isEmbeddingModel(dir);
        SentenceTransformersDir st = embedding ? SentenceTransformersDir.read(dir) : null;
        Path modelDir = embedding ? st.transformer() : dir;
        ModelConfig c = ModelConfig.load(modelDir.resolve("config.json"));
        long parameters = 0;
        Map<String, Long> dtypes = new TreeMap<>();
        Path weights = embedding ? modelDir : resolver.ensureSafetensors(dir);
        boolean local = Files.exists(weights.resolve("model.safetensors")) || Files.exists(weights.resolve("model.safetensors.index.json"));
        if (local) {
            try (WeightSource w = ModelWeights.open(weights)) {
                for (String name : w.names()) {
                    TensorInfo t = w.info(name);
                    parameters += t.elementCount();
                    dtypes.merge(t.dtype().name(), t.elementCount(), Long::sum);
                }
            }
        }
        String tokenizer = Tokenizer.load(modelDir).kind()
                + (Files.exists(modelDir.resolve("tokenizer.json")) ? " (tokenizer.json)" : " (vocabulary files)");
        var out = console.out();
        out.println("model:        " + model);
        out.println("directory:    " + dir);
        out.printf(Locale.ROOT, "architecture: %s, %d layers, hidden %d, %d heads, ffn %d%n",
                c.className(), c.numLayers(), c.hiddenSize(), c.numHeads(), c.intermediateSize());
        out.printf(Locale.ROOT, "vocabulary:   %d tokens, max length %d%n", c.vocabSize(), c.maxSequenceLength());
        if (embedding) {
            out.println("kind:         embedding model (rerank embed): " + st.describe()
                    + (st.maxSeqLength() > 0 ? ", max_seq_length " + st.maxSeqLength() : ""));
        } else {
            out.println("kind:         cross-encoder (rerank predict / rank)");
            out.println("labels:       " + String.join(", ", c.labels()));
            out.println("activation:   " + c.activation().name().toLowerCase(Locale.ROOT));
        }
        if (local) {
            out.printf(Locale.ROOT, "parameters:   %,d%n", parameters);
            out.println("dtype:        " + String.join(", ", dtypes.keySet()));
        } else {
            out.println("weights:      not downloaded ('rerank download " + model + "' fetches them)");
        }
        out.println("tokenizer:    " + tokenizer);
    }
}
