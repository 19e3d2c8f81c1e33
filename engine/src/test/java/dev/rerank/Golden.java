package dev.rerank;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rerank.model.ModelConfig;
import dev.rerank.model.ParameterTable;
import dev.rerank.weights.SyntheticWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** Reading the golden reference files of testdata/. */
public final class Golden {
    private Golden() {}

    public static JsonObject read(String name) {
        try {
            return JsonParser.parseString(Files.readString(TestData.file(name))).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ModelConfig config(JsonObject golden) {
        return ModelConfig.fromJson(golden.getAsJsonObject("config"), "golden config");
    }

    /** The file's synthetic weights: its "salt", or the salt its "weights" note names. */
    public static SyntheticWeights synthetic(JsonObject golden) {
        String salt = golden.has("salt") ? golden.get("salt").getAsString()
                : golden.get("weights").getAsString().replaceAll(".*salt ([^,]+),.*", "$1");
        return ParameterTable.of(config(golden)).synthetic(salt);
    }

    public static int[] ints(JsonArray a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }

    public static double[] doubles(JsonArray a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsDouble();
        }
        return out;
    }
}
