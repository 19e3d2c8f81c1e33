package dev.rerank.weights;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the weights of a Hugging Face model directory. */
public final class ModelWeights {
    private ModelWeights() {}

    /**
     * Opens {@code model.safetensors}, or the shards named by {@code model.safetensors.index.json}.
     * A directory with only PyTorch pickles is an error that says how to convert it.
     */
    public static WeightSource open(Path dir) {
        Path single = dir.resolve("model.safetensors");
        if (Files.exists(single)) {
            return Safetensors.open(single);
        }
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.exists(index)) {
            return ShardedSafetensors.open(index);
        }
        if (Files.exists(dir.resolve("pytorch_model.bin")) || Files.exists(dir.resolve("pytorch_model.bin.index.json"))) {
            throw new WeightsException(dir + " has only PyTorch weights (pytorch_model.bin): convert them with "
                    + "'rerank convert " + dir + "' (the rerank tool does this by itself on first use)");
        }
        throw new WeightsException("no weights in " + dir + ": expected model.safetensors or model.safetensors.index.json");
    }
}
