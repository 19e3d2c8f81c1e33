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
    /**
     * How a family is named and names its checkpoints.
     *
     * @param name            for people: "BERT", "ModernBERT"
     * @param modelType       config.json's {@code model_type}
     * @param encoderClasses  the transformers classes ({@code architectures}) loaded as a bare encoder: embedders
     * @param classifierClass the sequence-classification class (cross-encoders), or null if the family has none here
     * @param prefix          the encoder's tensor-name prefix in a classifier checkpoint ("bert."); bare ones have none
     * @param layerPrefix     where the encoder's layers are named ("encoder.layer."): tensors under it that the
     *                        recipe lacks are an error
     * @param examples        public checkpoints known to run, for the supported-models list
     */
    record Names(String name, String modelType, List<String> encoderClasses, String classifierClass, String prefix,
                 String layerPrefix, List<String> examples) {}

    Names names();

    /**
     * Reads the family's keys from config.json and builds its recipe, with a head of
     * {@code labels} outputs when {@code classifier}. Keys the family cannot run are refused with
     * an error naming them.
     */
    Recipe recipe(ConfigJson config, boolean classifier, int labels);
}
