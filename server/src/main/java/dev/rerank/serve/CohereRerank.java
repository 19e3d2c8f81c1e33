package dev.rerank.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.rerank.serve.http.HttpError;
import dev.rerank.serve.http.Request;
import dev.rerank.serve.http.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * Cohere / Infinity: {@code POST /v1/rerank} with
 * {@code {"query", "documents", "top_n"?, "return_documents", "raw_scores", "truncation_direction", "model"?}}
 * answers {@code {"results": [{"index", "relevance_score", "document"?}], "model", "usage": {"total_tokens"}}}.
 * Documents are always truncated to the model's max length, as Cohere does.
 */
final class CohereRerank implements Dialect {
    private final Scorer scorer;
    private final String modelId;

    CohereRerank(Scorer scorer, String modelId) {
        this.scorer = scorer;
        this.modelId = modelId;
    }

    @Override
    public void register(Router router) {
        router.add("POST", "/v1/rerank", this::rerank);
    }

    private Response rerank(Request request) throws Exception {
        JsonObject body = JsonFields.object(request.body());
        String query = JsonFields.string(body, "query");
        List<String> texts = documents(body);
        int topN = JsonFields.absent(body, "top_n") ? texts.size() : JsonFields.nonNegativeInt(body, "top_n");
        boolean returnDocuments = JsonFields.bool(body, "return_documents", false);
        boolean raw = JsonFields.bool(body, "raw_scores", false);
        Scorer.Scored scored = scorer.rank(query, texts, true, JsonFields.truncationDirection(body));
        float[] scores = scorer.rankingScores(scored.logits(), raw);
        JsonArray results = new JsonArray();
        for (int i : Ranking.bestFirst(scores)) {
            if (results.size() >= topN) {
                break;
            }
            JsonObject o = new JsonObject();
            o.addProperty("index", i);
            Ranking.putScore(o, "relevance_score", scores[i]);
            if (returnDocuments) {
                o.add("document", JsonFields.single("text", texts.get(i)));
            }
            results.add(o);
        }
        JsonObject out = new JsonObject();
        out.add("results", results);
        out.addProperty("model", JsonFields.isString(body.get("model")) ? body.get("model").getAsString() : modelId);
        JsonObject usage = new JsonObject();
        usage.addProperty("total_tokens", scored.tokens());
        out.add("usage", usage);
        return Response.json(200, out);
    }

    /** Strings, or {@code {"text": ...}} objects as Cohere's older API sent them. */
    private static List<String> documents(JsonObject body) {
        JsonElement docs = body.get("documents");
        if (docs == null || !docs.isJsonArray()) {
            throw new HttpError(400, "field \"documents\" must be an array of strings or {\"text\": ...} objects");
        }
        List<String> texts = new ArrayList<>();
        for (JsonElement d : docs.getAsJsonArray()) {
            if (JsonFields.isString(d)) {
                texts.add(d.getAsString());
            } else if (d.isJsonObject() && JsonFields.isString(d.getAsJsonObject().get("text"))) {
                texts.add(d.getAsJsonObject().get("text").getAsString());
            } else {
                throw new HttpError(400, "field \"documents\" must hold strings or {\"text\": ...} objects");
            }
        }
        return texts;
    }
}
