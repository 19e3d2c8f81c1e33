package dev.rerank.cli;

import com.google.gson.JsonObject;
import dev.rerank.SentenceEncoder;
import dev.rerank.serve.ModelNumbers;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** rerank embed: sentence embeddings of texts given as arguments or as JSON Lines {"text"}. */
final class EmbedCommand {
    static final String USAGE = """
            usage: rerank embed [options] TEXT...
                   rerank embed [options] --input FILE|-

            Embeds texts with a sentence-transformers (bi-encoder) model and writes one JSON line per
            text, in order: {"embedding": [...]}. With --input: reads JSON Lines {"text": "..."}.
            Components that are not finite numbers (a model with NaN weights) are written as null
            with an "error" field on their line, and the exit status is then 1.

            options:
              --input FILE|-   JSON Lines input ('-' = standard input)
              --no-normalize   do not scale embeddings to unit length, whatever the model says
              --prompt NAME    put the model's prompt NAME before each text (config_sentence_transformers.json)
            """ + ModelOptions.HELP;

    private final Console console;

    EmbedCommand(Console console) {
        this.console = console;
    }

    void run(String[] argv) {
        ModelOptions.help(argv, USAGE);
        Args args = new Args(argv, 1, ModelOptions.with("input", "prompt"), Set.of("no-normalize"));
        List<String> texts = new ArrayList<>();
        if (args.has("input")) {
            if (!args.positionals().isEmpty()) {
                throw new UsageException("give either texts or --input, not both");
            }
            for (JsonLines.Line line : JsonLines.read(args.get("input", "-"), console)) {
                texts.add(JsonLines.string(JsonLines.object(line), "text", line));
            }
        } else if (!args.positionals().isEmpty()) {
            texts.addAll(args.positionals());
        } else {
            throw new UsageException("embed needs texts, or --input FILE");
        }
        Results results = new Results(console.out());
        try (SentenceEncoder model = ModelOptions.loadSentenceEncoder(args, console)) {
            // Each chunk is written as soon as it is embedded, so a closed output stops the work.
            Scoring.embeddings(model, texts, args.get("prompt", null), console.err(), (from, embeddings) -> {
                for (float[] e : embeddings) {
                    JsonObject line = new JsonObject();
                    line.add("embedding", ModelNumbers.array(e));
                    results.json(line, e);
                }
                results.checkpoint();
            });
        }
        results.finish();
    }
}
