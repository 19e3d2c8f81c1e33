package dev.rerank.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.rerank.serve.http.HttpError;
import dev.rerank.serve.http.Request;
import dev.rerank.serve.http.Response;
import dev.rerank.tokenizer.TruncationDirection;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;

/**
 * OpenAI's {@code POST /v1/embeddings}: {@code {"input": str | [str], "model", "encoding_format":
 * "float" | "base64"}} answers {@code {"object": "list", "data": [{"object": "embedding",
 * "embedding", "index"}], "model", "usage": {"prompt_tokens", "total_tokens"}}}. Embeddings are
 * normalized as the model directory says; base64 is the little-endian float32 bytes, as OpenAI's.
 */
final class OpenAiEmbeddings implements Dialect {
    private final Embedder embedder;
    private final String modelId;
    private final boolean autoTruncate;

    OpenAiEmbeddings(Embedder embedder, String modelId, boolean autoTruncate) {
        this.embedder = embedder;
        this.modelId = modelId;
        this.autoTruncate = autoTruncate;
    }

    @Override
    public void register(Router router) {
        router.add("POST", "/v1/embeddings", this::embeddings);
    }

    private Response embeddings(Request request) throws Exception {
        JsonObject body = JsonFields.object(request.body());
        JsonElement input = body.get("input");
        if (input != null && input.isJsonArray() && !input.getAsJsonArray().isEmpty()
                && input.getAsJsonArray().get(0).isJsonPrimitive() && input.getAsJsonArray().get(0).getAsJsonPrimitive().isNumber()
                || input != null && input.isJsonArray() && !input.getAsJsonArray().isEmpty() && input.getAsJsonArray().get(0).isJsonArray()) {
            throw new HttpError(422, "field \"input\": token arrays are not supported; send text");
        }
        List<String> texts = TeiEmbed.stringOrStrings(body, "input");
        String format = JsonFields.absent(body, "encoding_format") ? "float" : JsonFields.string(body, "encoding_format");
        if (!format.equals("float") && !format.equals("base64")) {
            throw new HttpError(422, "field \"encoding_format\" must be \"float\" or \"base64\", not \"" + format + "\"");
        }
        if (!JsonFields.absent(body, "dimensions")
                && JsonFields.nonNegativeInt(body, "dimensions") != embedder.model().dimension()) {
            throw new HttpError(422, "field \"dimensions\": this model's embeddings have " + embedder.model().dimension()
                    + " dimensions and cannot be shortened");
        }
        Embedder.Embedded e = embedder.embed(texts, autoTruncate, TruncationDirection.RIGHT, embedder.modelNormalizes());
        JsonArray data = new JsonArray();
        for (int i = 0; i < e.vectors().length; i++) {
            JsonObject item = new JsonObject();
            item.addProperty("object", "embedding");
            if (format.equals("base64")) {
                ByteBuffer bytes = ByteBuffer.allocate(4 * e.vectors()[i].length).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(e.vectors()[i]);
                item.addProperty("embedding", Base64.getEncoder().encodeToString(bytes.array()));
            } else {
                JsonArray v = new JsonArray();
                for (float x : e.vectors()[i]) {
                    v.add(ModelNumbers.number(x));
                }
                item.add("embedding", v);
            }
            item.addProperty("index", i);
            data.add(item);
        }
        JsonObject out = new JsonObject();
        out.addProperty("object", "list");
        out.add("data", data);
        out.addProperty("model", JsonFields.absent(body, "model") ? modelId : JsonFields.string(body, "model"));
        JsonObject usage = new JsonObject();
        usage.addProperty("prompt_tokens", e.tokens());
        usage.addProperty("total_tokens", e.tokens());
        out.add("usage", usage);
        return Response.json(200, out);
    }
}
