package dev.rerank.cli;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.rerank.CrossEncoder;
import dev.rerank.CrossEncoder.Pair;
import dev.rerank.model.ModelConfig;
import dev.rerank.serve.ModelNumbers;
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
            A result that is not a finite number (a model with NaN weights) is written as null
            with an "error" field on its line, and the exit status is then 1.

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
        boolean raw = args.has("raw");
        Results results = new Results(console.out());
        try (CrossEncoder model = ModelOptions.load(args, console)) {
            List<String> labels = model.config().labels();
            boolean single = labels.size() == 1;
            // Each chunk is written as soon as it is scored, so a closed output stops the scoring.
            Scoring.logits(model, pairs, console.err(), (from, logits) -> {
                float[][] scores = model.transform(logits, single ? CrossEncoder.Output.ACTIVATED : CrossEncoder.Output.PROBABILITIES);
                for (int i = 0; i < logits.length; i++) {
                    if (!fromInput && single && !raw) {
                        results.text(String.valueOf(scores[i][0]), scores[i][0]);
                    } else {
                        results.json(line(scores[i], logits[i], single, labels, raw), logits[i]);
                    }
                }
                results.checkpoint();
            });
        }
        results.finish();
    }

    /** One output line: the score or the probabilities and label, and the logits when raw. */
    private static JsonObject line(float[] scores, float[] logits, boolean single, List<String> labels, boolean raw) {
        JsonObject line = new JsonObject();
        if (single) {
            line.add("score", ModelNumbers.number(scores[0]));
        } else {
            line.add("probabilities", ModelNumbers.array(scores));
            // NaN probabilities have no most likely label.
            line.add("label", ModelNumbers.allFinite(scores) ? new JsonPrimitive(ModelConfig.labelOf(labels, scores)) : JsonNull.INSTANCE);
        }
        if (raw) {
            line.add("logits", ModelNumbers.array(logits));
        }
        return line;
    }
}
