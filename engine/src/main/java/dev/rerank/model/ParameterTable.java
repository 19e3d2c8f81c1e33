package dev.rerank.model;

import dev.rerank.weights.SyntheticWeights;
import dev.rerank.weights.WeightSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The parameters of a config's recipe under the names one checkpoint gives them: the loader reads
 * exactly these and checks each tensor's shape against this table, the synthetic weights fill them
 * by kind, and the converter checks against them. The encoder's tensors carry the family's prefix
 * ({@code bert.}, {@code model.}, ...) in a classifier checkpoint, none in a bare *Model one as
 * sentence-transformers saves it; the head's tensors never do.
 *
 * @param prefix prepended to every encoder tensor name
 * @param head   whether the classification head's tensors are part of the model
 */
public record ParameterTable(ModelConfig config, String prefix, boolean head) {
    /** transformers' names for the config's class: prefixed encoder, plus the head for a classifier. */
    public static ParameterTable of(ModelConfig config) {
        return new ParameterTable(config, config.family().names().prefix(), config.classifier());
    }

    /**
     * The table matching a checkpoint: the encoder's tensors prefixed as transformers saves a
     * classifier, or bare as sentence-transformers saves an encoder; the head only when asked for.
     */
    public static ParameterTable forWeights(ModelConfig config, WeightSource weights, boolean head) {
        String prefixed = config.family().names().prefix();
        String words = config.recipe().embeddings().words().name();
        boolean bare = weights.info(prefixed + words) == null && weights.info(words) != null;
        return new ParameterTable(config, bare ? "" : prefixed, head);
    }

    /** A parameter's name in this checkpoint. */
    public String name(Recipe.Param p) {
        return p.inEncoder() ? prefix + p.name() : p.name();
    }

    /** Every parameter, in the recipe's order. */
    public List<Recipe.Param> params() {
        return config.recipe().params(head);
    }

    /** Every parameter name with its shape, in the recipe's order. */
    public Map<String, long[]> shapes() {
        Map<String, long[]> s = new LinkedHashMap<>();
        for (Recipe.Param p : params()) {
            s.put(name(p), p.shape());
        }
        return Collections.unmodifiableMap(s);
    }

    /**
     * Tensors of {@code weights} named as the encoder's layers ({@code encoder.layer.7.*}) that
     * this table does not have: weights of layers config.json does not count, or of parts the
     * recipe does not run. Loading them would give a model that runs and is wrong.
     */
    public List<String> unexpected(WeightSource weights) {
        String layers = prefix + config.family().names().layerPrefix();
        Map<String, long[]> known = shapes();
        List<String> extra = new ArrayList<>();
        for (String name : new TreeSet<>(weights.names())) {
            if (name.startsWith(layers) && !known.containsKey(name)) {
                extra.add(name);
            }
        }
        return extra;
    }

    /**
     * Deterministic stand-in weights for every parameter, each filled by its kind (see
     * {@link SyntheticWeights}): a norm's scale 1 + u/4; biases and lookup tables u/10; matrices
     * u·√3·gain/√in.
     */
    public SyntheticWeights synthetic(String salt) {
        List<SyntheticWeights.Tensor> tensors = new ArrayList<>();
        for (Recipe.Param p : params()) {
            long[] shape = p.shape();
            tensors.add(switch (p.kind()) {
                case NORM_WEIGHT -> new SyntheticWeights.Tensor(name(p), shape, 1.0, 0.25);
                case BIAS, NORM_BIAS, TABLE -> new SyntheticWeights.Tensor(name(p), shape, 0.0, 0.1);
                case MATRIX -> new SyntheticWeights.Tensor(name(p), shape, 0.0,
                        Math.sqrt(3.0) * p.gain() / Math.sqrt(shape[shape.length - 1]));
            });
        }
        return new SyntheticWeights(salt, tensors);
    }
}
