package dev.rerank.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.rerank.CrossEncoder;
import dev.rerank.CrossEncoder.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** rerank predict: the score of one pair, or of every {"a", "b"} line of a JSON Lines input. */
final class PredictCommand {
    static final String USAGE = """
            usage: rerank predict [options] A B
                   rerank predict [options] --input FILE|-

            Scores text pairs. With A and B: prints the score. With --input: reads JSON Lines
            {"a": "...", "b": "..."} and writes one line per input, in order:
            {"score": s} for 1-label models, {"probabilities": [...], "label": "..."} otherwise.

            options:
              --input FILE|-   JSON Lines input ('-' = standard input)
              --raw            also write "logits": [...] on every line
            """ + ModelOptions.HELP;

    private final Console console;

    PredictCommand(Console console) {
        this.console = console;
    }

    void run(String[] argv) {
        ModelOptions.help(argv, USAGE);
        Args args = new Args(argv, 1, ModelOptions.with("input"), Set.of("raw"));
        List<Pair> pairs = new ArrayList<>();
        boolean fromInput = args.has("input");
        if (fromInput) {
            if (!args.positionals().isEmpty()) {
                throw new UsageException("give either two texts or --input, not both");
            }
            for (JsonLines.Line line : JsonLines.read(args.get("input", "-"), console)) {
                JsonObject o = JsonLines.object(line);
                pairs.add(new Pair(JsonLines.string(o, "a", line), JsonLines.string(o, "b", line)));
            }
        } else if (args.positionals().size() == 2) {
            pairs.add(new Pair(args.positionals().get(0), args.positionals().get(1)));
        } else {
            throw new UsageException("predict needs two texts, or --input FILE");
        }
        try (CrossEncoder model = ModelOptions.load(args, console)) {
            float[][] logits = Scoring.logits(model, pairs, console.err());
            List<String> labels = model.config().labels();
            boolean single = labels.size() == 1;
            float[][] scores = model.transform(logits, single ? CrossEncoder.Output.ACTIVATED : CrossEncoder.Output.PROBABILITIES);
            for (int i = 0; i < pairs.size(); i++) {
                if (!fromInput && single && !args.has("raw")) {
                    console.out().println(scores[i][0]);
                    continue;
                }
                JsonObject line = new JsonObject();
                if (single) {
                    line.addProperty("score", scores[i][0]);
                } else {
                    line.add("probabilities", array(scores[i]));
                    line.addProperty("label", labels.get(argmax(scores[i])));
                }
                if (args.has("raw")) {
                    line.add("logits", array(logits[i]));
                }
                console.out().println(line);
            }
        }
    }

    static JsonArray array(float[] values) {
        JsonArray a = new JsonArray();
        for (float v : values) {
            a.add(v);
        }
        return a;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
