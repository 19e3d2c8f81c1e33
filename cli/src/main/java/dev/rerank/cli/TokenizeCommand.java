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
              {"text": "..."}                      -> {"ids": [...], "type_ids": [...], "tokens": [...]}
                                                      (no special tokens)
              {"a": "...", "b": "...", "max_length": N, "truncation": "longest_first"}
                                                   -> {"ids": [...], "type_ids": [...]}
                                                      (<s> a </s></s> b </s> or [CLS] a [SEP] b [SEP])
            A line that cannot be tokenized gets {"error": "..."} and the rest go on.

            options:
              --model M        local directory or hub id (default %s)
              --revision R     hub revision (default main)
              --input FILE|-   JSON Lines input ('-' = standard input)
            """.formatted(ModelResolver.DEFAULT_MODEL);

    /** Lines between checks for a closed stdout: the check flushes, so not after every line. */
    private static final int CHUNK = 256;

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
        Results results = new Results(console.out());
        int written = 0;
        for (JsonLines.Line line : lines) {
            JsonObject out;
            try {
                out = tokenize(tokenizer, JsonLines.object(line), line);
            } catch (InputException | TokenizerException | IllegalArgumentException e) {
                out = new JsonObject();
                out.addProperty("error", e.getMessage());
            }
            results.text(out.toString());
            if (++written % CHUNK == 0) {
                results.checkpoint(); // a closed stdout (| head -1) ends the command here
            }
        }
        results.finish();
    }


    private static JsonObject tokenize(Tokenizer tokenizer, JsonObject in, JsonLines.Line line) {
        JsonObject out = new JsonObject();
        if (in.has("text")) {
            Encoding e = tokenizer.encode(JsonLines.string(in, "text", line));
            out.add("ids", ids(e.ids()));
            out.add("type_ids", ids(e.typeIds()));
            JsonArray tokens = new JsonArray();
            for (String t : e.tokens()) {
                tokens.add(t);
            }
            out.add("tokens", tokens);
            return out;
        }
        String a = JsonLines.string(in, "a", line);
        String b = JsonLines.string(in, "b", line);
        int maxLength = maxLength(in.get("max_length"), tokenizer.modelMaxLength(), line);
        JsonElement strategy = in.get("truncation");
        Truncation truncation = Truncation.LONGEST_FIRST;
        if (strategy != null && !strategy.isJsonNull()) {
            if (!strategy.isJsonPrimitive() || !strategy.getAsJsonPrimitive().isString()) {
                throw new InputException("input line " + line.number()
                        + ": truncation must be a string: longest_first, only_first or only_second");
            }
            truncation = Truncation.parse(strategy.getAsString());
        }
        Encoding e = tokenizer.encodePair(a, b, maxLength, truncation);
        out.add("ids", ids(e.ids()));
        out.add("type_ids", ids(e.typeIds()));
        return out;
    }

    /** An integer max_length: 40.7, "40" or 4294967300 are errors, not 40 or 4. */
    private static int maxLength(JsonElement max, int fallback, JsonLines.Line line) {
        if (max == null || max.isJsonNull()) {
            return fallback;
        }
        if (max.isJsonPrimitive() && max.getAsJsonPrimitive().isNumber()) {
            try {
                return max.getAsBigDecimal().intValueExact();
            } catch (ArithmeticException e) {
                // not an int: fall through to the error
            }
        }
        String found = max.toString();
        throw new InputException("input line " + line.number() + ": max_length must be an integer up to "
                + Integer.MAX_VALUE + ", not " + (found.length() > 40 ? found.substring(0, 40) + "…" : found));
    }

    private static JsonArray ids(int[] ids) {
        JsonArray a = new JsonArray();
        for (int id : ids) {
            a.add(id);
        }
        return a;
    }
}
