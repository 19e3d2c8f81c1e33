package dev.rerank.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.rerank.serve.http.Request;
import dev.rerank.serve.http.Response;
import dev.rerank.tokenizer.TruncationDirection;
import java.util.List;

/**
 * Hugging Face text-embeddings-inference: {@code POST /rerank} with
 * {@code {"query", "texts", "truncate", "truncation_direction", "raw_scores", "return_text"}}
 * answers {@code [{"index", "score", "text"?}, ...]}, best first.
 */
final class TeiRerank implements Dialect {
    private final Scorer scorer;
    private final boolean autoTruncate;

    TeiRerank(Scorer scorer, boolean autoTruncate) {
        this.scorer = scorer;
        this.autoTruncate = autoTruncate;
    }

    @Override
    public void register(Router router) {
        router.add("POST", "/rerank", this::rerank);
    }

    private Response rerank(Request request) throws Exception {
        JsonObject body = JsonFields.object(request.body());
        String query = JsonFields.string(body, "query");
        List<String> texts = JsonFields.strings(body, "texts");
        boolean truncate = JsonFields.bool(body, "truncate", autoTruncate);
        TruncationDirection direction = JsonFields.truncationDirection(body);
        boolean raw = JsonFields.bool(body, "raw_scores", false);
        boolean returnText = JsonFields.bool(body, "return_text", false);
        float[] scores = scorer.rankingScores(scorer.rank(query, texts, truncate, direction).logits(), raw);
        JsonArray out = new JsonArray();
        for (int i : Ranking.bestFirst(scores)) {
            JsonObject o = new JsonObject();
            o.addProperty("index", i);
            Ranking.putScore(o, "score", scores[i]);
            if (returnText) {
                o.addProperty("text", texts.get(i));
            }
            out.add(o);
        }
        return Response.json(200, out);
    }
}
