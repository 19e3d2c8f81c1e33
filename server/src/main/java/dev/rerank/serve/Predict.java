package dev.rerank.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.rerank.CrossEncoder;
import dev.rerank.CrossEncoder.Pair;
import dev.rerank.serve.http.HttpError;
import dev.rerank.serve.http.Request;
import dev.rerank.serve.http.Response;
import dev.rerank.tokenizer.TruncationDirection;
import java.util.ArrayList;
import java.util.List;

/**
 * This project's own: {@code POST /predict} with {@code {"pairs": [[a, b], ...], "raw": false}}
 * answers {@code {"scores"}} for a 1-label model or {@code {"probabilities", "labels"}}, plus
 * {@code "logits"} when raw. Values that are not finite are null, with an {@code "error"} field.
 */
final class Predict implements Dialect {
    private final Scorer scorer;

    Predict(Scorer scorer) {
        this.scorer = scorer;
    }

    @Override
    public void register(Router router) {
        router.add("POST", "/predict", this::predict);
    }

    private Response predict(Request request) throws Exception {
        JsonObject body = JsonFields.object(request.body());
        JsonElement pairsJson = body.get("pairs");
        if (pairsJson == null || !pairsJson.isJsonArray()) {
            throw new HttpError(400, "field \"pairs\" must be an array of [a, b] string pairs");
        }
        List<Pair> pairs = new ArrayList<>();
        for (JsonElement p : pairsJson.getAsJsonArray()) {
            if (!p.isJsonArray() || p.getAsJsonArray().size() != 2 || !JsonFields.isString(p.getAsJsonArray().get(0))
                    || !JsonFields.isString(p.getAsJsonArray().get(1))) {
                throw new HttpError(400, "field \"pairs\" must be an array of [a, b] string pairs");
            }
            pairs.add(new Pair(p.getAsJsonArray().get(0).getAsString(), p.getAsJsonArray().get(1).getAsString()));
        }
        boolean raw = JsonFields.bool(body, "raw", false);
        CrossEncoder model = scorer.model();
        float[][] logits = scorer.score(pairs, true, TruncationDirection.RIGHT).logits();
        JsonObject out = new JsonObject();
        if (model.config().numLabels() == 1) {
            JsonArray scores = new JsonArray();
            for (float[] row : model.transform(logits, CrossEncoder.Output.ACTIVATED)) {
                scores.add(ModelNumbers.number(row[0]));
            }
            out.add("scores", scores);
        } else {
            out.add("probabilities", ModelNumbers.matrix(model.transform(logits, CrossEncoder.Output.PROBABILITIES)));
            JsonArray labels = new JsonArray();
            model.config().labels().forEach(labels::add);
            out.add("labels", labels);
        }
        if (raw) {
            out.add("logits", ModelNumbers.matrix(logits));
        }
        ModelNumbers.flagNotFinite(out, logits);
        return Response.json(200, out);
    }
}
