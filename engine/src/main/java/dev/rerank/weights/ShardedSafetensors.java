package dev.rerank.weights;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
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
    private static final long MAX_INDEX_BYTES = 64L << 20;
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
        Safetensors.requireRegularFile(index, "weights index");
        JsonObject weightMap;
        try {
            if (Files.size(index) > MAX_INDEX_BYTES) {
                throw new WeightsException(index + ": " + Files.size(index) + " bytes is too large for a weights index");
            }
            JsonElement root = JsonParser.parseString(Files.readString(index));
            JsonElement map = root.isJsonObject() ? root.getAsJsonObject().get("weight_map") : null;
            if (map == null || !map.isJsonObject()) {
                throw new WeightsException(index + ": no \"weight_map\" object");
            }
            weightMap = map.getAsJsonObject();
        } catch (NoSuchFileException e) {
            throw new WeightsException("weights index not found: " + index);
        } catch (IOException e) {
            throw new WeightsException("cannot read " + index + ": " + e.getMessage(), e);
        } catch (JsonParseException e) {
            throw new WeightsException(index + ": invalid JSON");
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
        Safetensors s = shardOf.get(name);
        if (s == null) {
            throw new WeightsException(index + ": no tensor named " + name);
        }
        s.read(name, from, dst, dstOffset, count);
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
