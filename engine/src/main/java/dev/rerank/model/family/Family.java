package dev.rerank.model.family;

import dev.rerank.model.ConfigJson;
import dev.rerank.model.Recipe;
import java.util.List;

/**
 * A transformer family: which config.json files it accepts, the keys it reads, and the
 * {@link Recipe} it builds from them. One file per family, and nothing about a family anywhere
 * else: the loader, both encoders, the synthetic weights and the converter's checks read the recipe.
 */
public interface Family {
    /** For people: "BERT", "ModernBERT". */
    String name();

    /** config.json's {@code model_type}. */
    String modelType();

    /** The transformers classes ({@code architectures}) loaded as a bare encoder: embedders. */
    List<String> encoderClasses();

    /** The sequence-classification class (cross-encoders), or null if the family has none here. */
    String classifierClass();

    /** The encoder's tensor-name prefix in a classifier checkpoint ("bert."); bare checkpoints have none. */
    String prefix();

    /** Where the encoder's layers are named, e.g. "encoder.layer." — tensors under it that the recipe lacks are an error. */
    String layerPrefix();

    /**
     * Reads the family's keys from config.json and builds its recipe, with a head of
     * {@code labels} outputs when {@code classifier}. Keys the family cannot run are refused with
     * an error naming them.
     */
    Recipe recipe(ConfigJson config, boolean classifier, int labels);

    /** Public checkpoints known to run, for the supported-models list. */
    List<String> examples();
}
