package dev.rerank;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rerank.model.RobertaConfig;
import dev.rerank.model.RobertaShapes;
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

    public static RobertaConfig config(JsonObject golden) {
        return RobertaConfig.fromJson(golden.getAsJsonObject("config"), "golden config");
    }

    public static SyntheticWeights synthetic(JsonObject golden) {
        return new SyntheticWeights(golden.get("salt").getAsString(), RobertaShapes.of(config(golden)));
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
