package dev.rerank.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.rerank.tokenizer.Encoding;
import dev.rerank.tokenizer.Tokenizer;
import dev.rerank.tokenizer.TokenizerException;
import dev.rerank.tokenizer.Truncation;
import java.util.Set;

/** rerank tokenize: token ids for JSON Lines input; a request that cannot be met becomes an error line. */
final class TokenizeCommand {
    static final String USAGE = """
            usage: rerank tokenize [--model M] --input FILE|-

            Reads JSON Lines and writes one line per input line:
              {"text": "..."}                      -> {"ids": [...], "tokens": [...]}  (no special tokens)
              {"a": "...", "b": "...", "max_length": N, "truncation": "longest_first"}
                                                   -> {"ids": [...]}  (<s> a </s></s> b </s>)
            A line that cannot be tokenized gets {"error": "..."} and the rest go on.

            options:
              --model M        local directory or hub id (default %s)
              --revision R     hub revision (default main)
              --input FILE|-   JSON Lines input ('-' = standard input)
            """.formatted(ModelResolver.DEFAULT_MODEL);

    private final Console console;

    TokenizeCommand(Console console) {
        this.console = console;
    }

    void run(String[] argv) {
        ModelOptions.help(argv, USAGE);
        Args args = new Args(argv, 1, Set.of("model", "revision", "input"), Set.of());
        if (!args.has("input")) {
            throw new UsageException("tokenize needs --input FILE or --input -");
        }
        if (!args.positionals().isEmpty()) {
            throw new UsageException("unexpected argument '" + args.positionals().get(0) + "'");
        }
        var lines = JsonLines.read(args.get("input", "-"), console);
        // Only config and tokenizer files: tokenizing never needs the weights.
        Tokenizer tokenizer = Tokenizer.load(new ModelResolver(console.hub(), console.err())
                .resolveWithoutWeights(args.get("model", ModelResolver.DEFAULT_MODEL), args.get("revision", "main")));
        for (JsonLines.Line line : lines) {
            JsonObject out;
            try {
                out = tokenize(tokenizer, JsonLines.object(line), line);
            } catch (InputException | TokenizerException | IllegalArgumentException e) {
                out = new JsonObject();
                out.addProperty("error", e.getMessage());
            }
            console.out().println(out);
        }
    }

    private static JsonObject tokenize(Tokenizer tokenizer, JsonObject in, JsonLines.Line line) {
        JsonObject out = new JsonObject();
        if (in.has("text")) {
            Encoding e = tokenizer.encode(JsonLines.string(in, "text", line));
            out.add("ids", ids(e.ids()));
            JsonArray tokens = new JsonArray();
            for (String t : e.tokens()) {
                tokens.add(t);
            }
            out.add("tokens", tokens);
            return out;
        }
        String a = JsonLines.string(in, "a", line);
        String b = JsonLines.string(in, "b", line);
        int maxLength = tokenizer.modelMaxLength();
        JsonElement max = in.get("max_length");
        if (max != null && !max.isJsonNull()) {
            try {
                maxLength = max.getAsInt();
            } catch (RuntimeException e) {
                throw new InputException("input line " + line.number() + ": max_length must be an integer");
            }
        }
        JsonElement strategy = in.get("truncation");
        Truncation truncation = strategy == null || strategy.isJsonNull() ? Truncation.LONGEST_FIRST
                : Truncation.parse(strategy.getAsString());
        out.add("ids", ids(tokenizer.encodePair(a, b, maxLength, truncation).ids()));
        return out;
    }

    private static JsonArray ids(int[] ids) {
        JsonArray a = new JsonArray();
        for (int id : ids) {
            a.add(id);
        }
        return a;
    }
}
