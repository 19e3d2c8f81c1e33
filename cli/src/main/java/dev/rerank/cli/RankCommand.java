package dev.rerank.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.rerank.CrossEncoder;
import dev.rerank.io.StrictJson;
import dev.rerank.serve.ModelNumbers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** rerank rank: documents sorted by their score against a query. */
final class RankCommand {
    static final String USAGE = """
            usage: rerank rank [options] --query Q DOC...
                   rerank rank [options] --query Q --input FILE|-

            Ranks documents against the query, best first. Documents come as arguments, or one per
            line of --input (plain text, or JSON Lines {"text": "..."}).

            options:
              --query Q        the query (required)
              --top-k K        keep the K best (default: all)
              --input FILE|-   documents, one per line ('-' = standard input)
              --json           print [{"corpus_id", "score", "text"}] as sentence-transformers returns

            A score that is not a finite number (a model with NaN weights) ranks last, is written
            as null with an "error" field under --json, and makes the exit status 1.
            """ + ModelOptions.HELP;

    private final Console console;

    RankCommand(Console console) {
        this.console = console;
    }

    void run(String[] argv) {
        ModelOptions.help(argv, USAGE);
        Args args = new Args(argv, 1, ModelOptions.with("query", "top-k", "input"), Set.of("json"));
        if (!args.has("query")) {
            throw new UsageException("rank needs --query");
        }
        List<String> docs = new ArrayList<>(args.positionals());
        if (args.has("input")) {
            if (!docs.isEmpty()) {
                throw new UsageException("give documents as arguments or with --input, not both");
            }
            for (JsonLines.Line line : JsonLines.read(args.get("input", "-"), console)) {
                docs.add(documentOf(line));
            }
        }
        if (docs.isEmpty()) {
            throw new UsageException("rank needs at least one document");
        }
        int topK = args.integer("top-k", 0, 1);
        Results results = new Results(console.out());
        try (CrossEncoder model = ModelOptions.load(args, console)) {
            List<CrossEncoder.Ranked> ranked = Scoring.rank(model, args.get("query", ""), docs, topK, console.err());
            if (args.has("json")) {
                JsonArray out = new JsonArray();
                int flagged = 0;
                for (CrossEncoder.Ranked r : ranked) {
                    JsonObject o = new JsonObject();
                    o.addProperty("corpus_id", r.corpusId());
                    o.add("score", ModelNumbers.number(r.score()));
                    o.addProperty("text", r.text());
                    flagged += ModelNumbers.flagNotFinite(o, new float[] {r.score()}) ? 1 : 0;
                    out.add(o);
                }
                results.json(out, flagged);
            } else {
                int width = terminalWidth(console);
                results.text("rank  score     index  text");
                for (int i = 0; i < ranked.size(); i++) {
                    CrossEncoder.Ranked r = ranked.get(i);
                    String prefix = String.format(Locale.ROOT, "%4d  %.6f  %5d  ", i + 1, r.score(), r.corpusId());
                    results.text(prefix + shorten(r.text().replaceAll("\\s+", " "), width - prefix.length()), r.score());
                }
            }
        }
        results.finish();
    }

    /**
     * A {"text": ...} object, a JSON string, or else the line itself as plain text: a document
     * that merely starts with '{' or '"' but is no JSON ("{braces} in prose") is text too.
     */
    private static String documentOf(JsonLines.Line line) {
        String t = line.text().trim();
        if (t.startsWith("{") || t.startsWith("\"")) {
            JsonElement e;
            try {
                e = StrictJson.parse(t);
            } catch (RuntimeException notJson) {
                return line.text();
            }
            if (e.isJsonObject()) {
                return JsonLines.string(e.getAsJsonObject(), "text", line);
            }
            if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
                return e.getAsString();
            }
        }
        return line.text();
    }

    private static int terminalWidth(Console console) {
        try {
            return Math.max(40, Integer.parseInt(console.env().getOrDefault("COLUMNS", "100")));
        } catch (NumberFormatException e) {
            return 100;
        }
    }

    private static String shorten(String text, int width) {
        if (width < 4 || text.codePointCount(0, text.length()) <= width) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, width - 1)) + "…";
    }
}
