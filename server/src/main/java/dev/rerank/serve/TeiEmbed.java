package dev.rerank.serve;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.rerank.serve.http.HttpError;
import dev.rerank.serve.http.Request;
import dev.rerank.serve.http.Response;
import java.util.List;

/**
 * Hugging Face text-embeddings-inference: {@code POST /embed} with
 * {@code {"inputs": str | [str], "normalize": true, "truncate": false, "truncation_direction"}}
 * answers {@code [[...], ...]}, one embedding per input in order.
 */
final class TeiEmbed implements Dialect {
    private final Embedder embedder;
    private final boolean autoTruncate;

    TeiEmbed(Embedder embedder, boolean autoTruncate) {
        this.embedder = embedder;
        this.autoTruncate = autoTruncate;
    }

    @Override
    public void register(Router router) {
        router.add("POST", "/embed", this::embed);
    }

    private Response embed(Request request) throws Exception {
        JsonObject body = JsonFields.object(request.body());
        List<String> inputs = stringOrStrings(body, "inputs");
        boolean normalize = JsonFields.bool(body, "normalize", true);
        boolean truncate = JsonFields.bool(body, "truncate", autoTruncate);
        Embedder.Embedded e = embedder.embed(inputs, truncate, JsonFields.truncationDirection(body), normalize);
        return Response.json(200, ModelNumbers.matrix(e.vectors()));
    }

    /** A field that holds one string or an array of strings (both APIs allow either). */
    static List<String> stringOrStrings(JsonObject body, String field) {
        JsonElement e = body.get(field);
        if (JsonFields.isString(e)) {
            return List.of(e.getAsString());
        }
        if (e == null || !e.isJsonArray()) {
            throw new HttpError(400, "field \"" + field + "\" must be a string or an array of strings");
        }
        return JsonFields.strings(body, field);
    }
}
