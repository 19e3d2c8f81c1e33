package dev.rerank.convert;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.rerank.model.ModelConfig;
import dev.rerank.model.ModelException;
import dev.rerank.model.ParameterTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Turns the initializers of a BERT/RoBERTa encoder exported to ONNX (torch.onnx as used by optimum
 * and Xenova) back into Hugging Face parameters. The exporter keeps the names of parameters it
 * uses directly (embeddings, LayerNorms, biases) but replaces each Linear's weight with an
 * anonymous initializer ({@code onnx::MatMul_787}) stored transposed, [in, out], for
 * {@code MatMul(x, W)}; the {@code Add} that follows adds the Linear's named bias, so the weight
 * is named after it ({@code ....bias} → {@code ....weight}) and transposed back to [out, in].
 *
 * <p>The result must be exactly an encoder the engine runs: every parameter of the
 * {@link ParameterTable} present with its shape, nothing else but the unused pooler, and no
 * anonymous weight left over. Anything else is a {@link CheckpointException} naming the tensor or
 * node, because a weight matched to the wrong name would make a model that runs and is wrong.
 */
final class OnnxImport {
    /** A Hugging Face parameter name: dotted identifiers ending in weight or bias. */
    private static final Pattern PARAMETER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)*\\.(weight|bias)");

    private static final Set<String> QUANTIZED = Set.of("MatMulInteger", "DynamicQuantizeLinear", "DequantizeLinear",
            "QuantizeLinear", "QLinearMatMul", "ConvInteger", "MatMulNBits");

    private final OnnxGraph graph;
    private final String where;
    private final Map<String, OnnxInitializer> initializers = new LinkedHashMap<>();
    private final Map<String, List<OnnxGraph.Node>> consumers = new HashMap<>();
    /** Target name → tensor, and the initializer each came from (for conflict messages). */
    private final Map<String, Tensor> out = new LinkedHashMap<>();
    private final Map<String, String> sourceOf = new HashMap<>();
    private final Set<String> used = new HashSet<>();

    private OnnxImport(OnnxGraph graph, String where) {
        this.graph = graph;
        this.where = where;
        for (OnnxInitializer t : graph.initializers()) {
            if (initializers.put(t.name(), t) != null) {
                throw new CheckpointException(where + ": two initializers are named " + t.name());
            }
        }
        for (OnnxGraph.Node n : graph.nodes()) {
            for (String input : n.inputs()) {
                consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(n);
            }
        }
    }

    /**
     * The encoder's parameters under Hugging Face names, in the table's order. {@code config} is
     * the model's config.json if known; without it, a bare BertModel/RobertaModel is inferred from
     * the shapes (the shapes do not depend on what the shapes cannot tell: heads, epsilon).
     */
    static List<Tensor> tensors(OnnxGraph graph, ModelConfig config, String where) {
        OnnxImport in = new OnnxImport(graph, where);
        in.mapLinearWeights();
        in.keepNamed();
        return in.checked(config != null ? config : in.inferConfig());
    }

    private void mapLinearWeights() {
        for (OnnxGraph.Node n : graph.nodes()) {
            if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
                // com.microsoft's fused Attention, SkipLayerNormalization, ... hide the Linear layers.
                throw error(n, "is from operator domain " + n.domain() + " (an ONNX Runtime-optimized graph?); "
                        + "only the plain export of the encoder can be imported");
            }
            if (QUANTIZED.contains(n.opType())) {
                throw error(n, "belongs to a quantized model, which cannot be imported; use the float32 or float16 export");
            }
            if (n.opType().equals("MatMul")) {
                OnnxInitializer w = initializers.get(n.input(1));
                if (w == null) {
                    if (initializers.containsKey(n.input(0))) {
                        throw error(n, "multiplies the weight " + n.input(0) + " from the left, which no encoder Linear does");
                    }
                    continue; // activations times activations: attention scores and context
                }
                map(n, w, biasStem(n, w) + ".weight", true);
            } else if (n.opType().equals("Gemm")) {
                mapGemm(n);
            }
        }
    }

    /** Gemm(A, B, C) = alpha·A'·B' + beta·C; a Linear is alpha = beta = 1, A as is, B = W (transB) or Wᵀ. */
    private void mapGemm(OnnxGraph.Node n) {
        OnnxInitializer w = initializers.get(n.input(1));
        if (w == null) {
            return;
        }
        if (n.ints().getOrDefault("transA", 0L) != 0 || n.floats().getOrDefault("alpha", 1f) != 1f
                || n.floats().getOrDefault("beta", 1f) != 1f) {
            throw error(n, "is not a plain Linear (transA, alpha or beta set)");
        }
        String c = n.input(2);
        String target;
        if (PARAMETER.matcher(c).matches() && c.endsWith(".bias") && initializers.containsKey(c)) {
            target = stem(c) + ".weight";
        } else if (PARAMETER.matcher(w.name()).matches() && w.name().endsWith(".weight")) {
            target = w.name();
        } else {
            throw error(n, "weight " + w.name() + " has no name and no named bias to take one from");
        }
        map(n, w, target, n.ints().getOrDefault("transB", 0L) == 0);
    }

    /** The stem of the named bias that the single Add after a MatMul adds. */
    private String biasStem(OnnxGraph.Node matmul, OnnxInitializer w) {
        String product = matmul.outputs().isEmpty() ? "" : matmul.outputs().get(0);
        List<OnnxGraph.Node> next = consumers.getOrDefault(product, List.of());
        if (next.size() != 1 || !next.get(0).opType().equals("Add") || next.get(0).inputs().size() != 2) {
            throw error(matmul, "weight " + w.name() + " is not followed by exactly one Add of a bias (its output feeds "
                    + next.stream().map(OnnxGraph.Node::opType).toList() + ")");
        }
        OnnxGraph.Node add = next.get(0);
        String bias = add.input(0).equals(product) ? add.input(1) : add.input(0);
        OnnxInitializer b = initializers.get(bias);
        if (b == null || !PARAMETER.matcher(bias).matches() || !bias.endsWith(".bias")) {
            throw error(matmul, "weight " + w.name() + " is followed by an Add of " + bias
                    + ", not of a named bias, so the weight cannot be named");
        }
        if (w.dims().length != 2 || b.dims().length != 1 || b.dims()[0] != w.dims()[1]) {
            throw error(matmul, "weight " + w.name() + " " + Arrays.toString(w.dims()) + " does not match its bias "
                    + bias + " " + Arrays.toString(b.dims()));
        }
        return stem(bias);
    }

    private void map(OnnxGraph.Node n, OnnxInitializer w, String target, boolean transpose) {
        if (PARAMETER.matcher(w.name()).matches() && !w.name().equals(target)) {
            throw error(n, "weight " + w.name() + " is used as " + target);
        }
        if (used.contains(w.name())) {
            // One weight read by two Linear layers: fine only if both name it the same.
            if (!out.containsKey(target) || !w.name().equals(sourceOf.get(target))) {
                throw error(n, "weight " + w.name() + " is shared by two layers");
            }
            return;
        }
        put(target, w, transpose);
    }

    /**
     * Named initializers not consumed as Linear weights are parameters as they are (buffers such as
     * the int64 {@code position_ids} do not end in weight/bias and are left out).
     */
    private void keepNamed() {
        for (OnnxInitializer t : initializers.values()) {
            if (!used.contains(t.name()) && PARAMETER.matcher(t.name()).matches()) {
                put(t.name(), t, false);
            }
        }
    }

    private void put(String target, OnnxInitializer t, boolean transpose) {
        if (out.containsKey(target)) {
            throw new CheckpointException(where + ": both " + sourceOf.get(target) + " and " + t.name()
                    + " map to " + target);
        }
        out.put(target, t.toTensor(target, transpose));
        sourceOf.put(target, t.name());
        used.add(t.name());
    }

    /** Checks the mapped tensors against the config's parameter table; returns them in its order. */
    private List<Tensor> checked(ModelConfig config) {
        List<String> leftover = new ArrayList<>();
        for (OnnxInitializer t : initializers.values()) {
            if (!used.contains(t.name()) && t.isFloat() && t.elementCount() > 1 && !PARAMETER.matcher(t.name()).matches()) {
                leftover.add(t.name() + " " + Arrays.toString(t.dims()));
            }
        }
        if (!leftover.isEmpty()) {
            throw new CheckpointException(where + ": cannot tell which parameter " + leftover.size()
                    + " unnamed initializer(s) are (not a MatMul weight followed by an Add of a named bias): "
                    + abbreviate(leftover));
        }
        String prefixed = ParameterTable.of(config).prefix();
        boolean bare = !out.containsKey(prefixed + "embeddings.word_embeddings.weight");
        ParameterTable table = new ParameterTable(config, bare ? "" : prefixed, config.classifier());
        Map<String, long[]> expected = new LinkedHashMap<>(table.shapes());
        // BertModel/RobertaModel have a pooler that no sentence embedding reads: kept when exported, never required.
        String pooler = table.prefix() + "pooler.dense.";
        if (!expected.containsKey(pooler + "weight") && (out.containsKey(pooler + "weight") || out.containsKey(pooler + "bias"))) {
            long h = config.hiddenSize();
            expected.put(pooler + "weight", new long[] {h, h});
            expected.put(pooler + "bias", new long[] {h});
        }
        List<String> missing = new ArrayList<>();
        List<Tensor> result = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            Tensor t = out.get(e.getKey());
            if (t == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new CheckpointException(where + ": " + e.getKey() + " (from " + sourceOf.get(e.getKey()) + ") has shape "
                        + Arrays.toString(t.shape()) + ", the " + config.className() + " needs " + Arrays.toString(e.getValue()));
            } else {
                result.add(t);
            }
        }
        if (!missing.isEmpty()) {
            throw new CheckpointException(where + ": not a complete " + config.className() + ": " + missing.size()
                    + " parameter(s) missing: " + abbreviate(missing));
        }
        Set<String> extra = new TreeSet<>(out.keySet());
        extra.removeAll(expected.keySet());
        if (!extra.isEmpty()) {
            throw new CheckpointException(where + ": " + extra.size() + " tensor(s) are not parameters of a "
                    + config.className() + " (a different model, or config.json is missing or wrong): " + abbreviate(List.copyOf(extra)));
        }
        return result;
    }

    /** A bare BertModel / RobertaModel the tensors fit, from their shapes and name prefix. */
    private ModelConfig inferConfig() {
        String prefix = null;
        for (String name : out.keySet()) {
            if (name.endsWith("embeddings.word_embeddings.weight")) {
                prefix = name.substring(0, name.length() - "embeddings.word_embeddings.weight".length());
            }
        }
        if (prefix == null || !(prefix.isEmpty() || prefix.equals("bert.") || prefix.equals("roberta."))) {
            throw new CheckpointException(where + ": no embeddings.word_embeddings.weight found: not a BERT or RoBERTa encoder");
        }
        long[] words = shape(prefix + "embeddings.word_embeddings.weight", 2);
        int layers = 0;
        while (out.containsKey(prefix + "encoder.layer." + layers + ".output.LayerNorm.weight")) {
            layers++;
        }
        JsonObject c = new JsonObject();
        boolean roberta = prefix.equals("roberta.");
        c.addProperty("model_type", roberta ? "roberta" : "bert");
        JsonArray arch = new JsonArray();
        arch.add(roberta ? "RobertaModel" : "BertModel");
        c.add("architectures", arch);
        c.addProperty("vocab_size", words[0]);
        c.addProperty("hidden_size", words[1]);
        c.addProperty("num_attention_heads", 1);
        c.addProperty("num_hidden_layers", layers);
        c.addProperty("intermediate_size", layers == 0 ? 1 : shape(prefix + "encoder.layer.0.intermediate.dense.bias", 1)[0]);
        c.addProperty("max_position_embeddings", shape(prefix + "embeddings.position_embeddings.weight", 2)[0]);
        c.addProperty("type_vocab_size", shape(prefix + "embeddings.token_type_embeddings.weight", 2)[0]);
        try {
            return ModelConfig.fromJson(c, where + " (shapes)");
        } catch (ModelException e) {
            throw new CheckpointException(where + ": the tensor shapes do not describe an encoder: " + e.getMessage(), e);
        }
    }

    private long[] shape(String name, int rank) {
        Tensor t = out.get(name);
        if (t == null) {
            throw new CheckpointException(where + ": " + name + " is missing");
        }
        if (t.shape().length != rank) {
            throw new CheckpointException(where + ": " + name + " has shape " + Arrays.toString(t.shape()) + ", expected "
                    + rank + " dims");
        }
        return t.shape();
    }

    private static String stem(String bias) {
        return bias.substring(0, bias.length() - ".bias".length());
    }

    private CheckpointException error(OnnxGraph.Node n, String problem) {
        return new CheckpointException(where + ": " + n.describe() + ": " + problem);
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 8 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 8)) + ", … (" + (names.size() - 8) + " more)";
    }
}
