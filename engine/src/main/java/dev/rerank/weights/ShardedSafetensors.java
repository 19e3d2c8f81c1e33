package dev.rerank.weights;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import dev.rerank.io.BoundedFiles;
import dev.rerank.io.StrictJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** A checkpoint split over several safetensors files, tied together by {@code model.safetensors.index.json}. */
public final class ShardedSafetensors implements WeightSource {
    /** An index lists each tensor once: megabytes for the largest models; more is not an index. */
    /** A file name beside the index: no separators, no leading dot, no control characters. */
    private static final Pattern PLAIN_NAME = Pattern.compile("[^./\\\\\\p{Cntrl}][^/\\\\\\p{Cntrl}]{0,254}");

    private final Path index;
    private final Map<String, Safetensors> shardOf;
    private final Map<String, Safetensors> shards;

    private ShardedSafetensors(Path index, Map<String, Safetensors> shardOf, Map<String, Safetensors> shards) {
        this.index = index;
        this.shardOf = shardOf;
        this.shards = shards;
    }

    public static ShardedSafetensors open(Path index) {
        JsonObject weightMap;
        try {
            JsonElement root = StrictJson.parse(BoundedFiles.readString(index, BoundedFiles.INDEX_BYTES, "weights index"));
            JsonElement map = root.isJsonObject() ? root.getAsJsonObject().get("weight_map") : null;
            if (map == null || !map.isJsonObject()) {
                throw new WeightsException(index + ": no \"weight_map\" object");
            }
            weightMap = map.getAsJsonObject();
        } catch (BoundedFiles.FileRefused e) {
            throw new WeightsException(e.getMessage(), e);
        } catch (IOException e) {
            throw new WeightsException("cannot read " + index + ": " + e.getMessage(), e);
        } catch (JsonParseException e) {
            throw new WeightsException(index + ": invalid JSON: " + e.getMessage());
        }
        Map<String, Safetensors> shards = new LinkedHashMap<>();
        Map<String, Safetensors> shardOf = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, JsonElement> e : weightMap.entrySet()) {
                if (!(e.getValue() instanceof JsonPrimitive p) || !p.isString()) {
                    throw new WeightsException(index + ": weight_map value for " + Safetensors.clip(e.getKey()) + " is not a file name string");
                }
                String file = p.getAsString();
                if (!PLAIN_NAME.matcher(file).matches()) {
                    throw new WeightsException(index + ": shard name " + Safetensors.clip(file) + " must be a plain file name");
                }
                Safetensors shard = shards.computeIfAbsent(file, f -> Safetensors.open(index.resolveSibling(f)));
                if (shard.info(e.getKey()) == null) {
                    throw new WeightsException(index + ": tensor " + Safetensors.clip(e.getKey()) + " is mapped to " + file
                            + ", which does not contain it");
                }
                shardOf.put(e.getKey(), shard);
            }
        } catch (RuntimeException e) {
            shards.values().forEach(Safetensors::close);
            throw e;
        }
        return new ShardedSafetensors(index, shardOf, shards);
    }

    @Override
    public TensorInfo info(String name) {
        Safetensors s = shardOf.get(name);
        return s == null ? null : s.info(name);
    }

    @Override
    public Set<String> names() {
        return shardOf.keySet();
    }

    @Override
    public void read(String name, long from, float[] dst, int dstOffset, int count) {
        shard(name).read(name, from, dst, dstOffset, count);
    }

    @Override
    public void readHalves(String name, long from, short[] dst, int dstOffset, int count) {
        shard(name).readHalves(name, from, dst, dstOffset, count);
    }

    private Safetensors shard(String name) {
        Safetensors s = shardOf.get(name);
        if (s == null) {
            throw new WeightsException(index + ": no tensor named " + name);
        }
        return s;
    }

    @Override
    public String description() {
        return index.toString();
    }

    @Override
    public void close() {
        shards.values().forEach(Safetensors::close);
    }
}
