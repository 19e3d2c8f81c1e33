package dev.rerank.serve;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** java.net.http against a server on loopback; bodies parsed as strict JSON (no NaN). */
final class TestClient {
    record Reply(int status, JsonElement body, HttpResponse<String> raw) {
        String error() {
            return body.getAsJsonObject().get("error").getAsString();
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private TestClient() {}

    static Path testdata() {
        return Path.of(System.getProperty("rerank.testdata", "../testdata"));
    }

    static Reply post(int port, String path, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(120));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return reply(HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()));
    }

    static Reply send(int port, String method, String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(120));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return reply(HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()));
    }

    private static Reply reply(HttpResponse<String> r) throws IOException {
        String text = r.body();
        JsonElement body = null;
        if (text.startsWith("{") || text.startsWith("[")) {
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setStrictness(Strictness.STRICT);
            body = JsonParser.parseReader(reader);
        }
        return new Reply(r.statusCode(), body, r);
    }
}
