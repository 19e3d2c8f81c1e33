package dev.rerank.cli;

import dev.rerank.CrossEncoder;
import dev.rerank.SentenceEncoder;
import dev.rerank.CrossEncoder.Pair;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Scoring many pairs with a progress bar: the pairs go to the model in chunks, so the bar can move.
 * Scores do not depend on what else is in a call (the engine guarantees it), so chunking changes
 * nothing but the bar.
 */
final class Scoring {
    private static final int CHUNK = 256;

    private Scoring() {}

    /** Receives each chunk's results as soon as they are computed: rows {@code from .. from + rows.length}. */
    interface Sink {
        void accept(int from, float[][] rows);
    }

    /** The logits of every pair, in input order. */
    static float[][] logits(CrossEncoder model, List<Pair> pairs, PrintStream err) {
        float[][] out = new float[pairs.size()][];
        logits(model, pairs, err, (from, rows) -> System.arraycopy(rows, 0, out, from, rows.length));
        return out;
    }

    /**
     * The logits of the pairs, chunk after chunk into {@code sink}: a command that writes each
     * chunk at once can stop at the first write error (a closed pipe) instead of scoring the rest.
     */
    static void logits(CrossEncoder model, List<Pair> pairs, PrintStream err, Sink sink) {
        chunked(pairs, err, "scoring", Progress.Unit.PAIRS, part -> model.predict(part, CrossEncoder.Output.LOGITS), sink);
    }

    /** Embeddings of the texts with the model's prompt {@code promptName} (null: its default prompt, if any), in input order. */
    static float[][] embeddings(SentenceEncoder model, List<String> texts, String promptName, PrintStream err) {
        float[][] out = new float[texts.size()][];
        embeddings(model, texts, promptName, err, (from, rows) -> System.arraycopy(rows, 0, out, from, rows.length));
        return out;
    }

    /** As {@link #embeddings(SentenceEncoder, List, String, PrintStream)}, chunk after chunk into {@code sink}. */
    static void embeddings(SentenceEncoder model, List<String> texts, String promptName, PrintStream err, Sink sink) {
        chunked(texts, err, "embedding", Progress.Unit.TEXTS,
                part -> promptName == null ? model.encode(part) : model.encode(part, promptName), sink);
    }

    private static <T> void chunked(List<T> inputs, PrintStream err, String label, Progress.Unit unit,
                                    Function<List<T>, float[][]> compute, Sink sink) {
        Progress progress = inputs.size() > CHUNK ? Progress.start(err, label, inputs.size(), unit)
                : Progress.start(null, "", 0, unit);
        try {
            for (int from = 0; from < inputs.size(); from += CHUNK) {
                int to = Math.min(inputs.size(), from + CHUNK);
                sink.accept(from, compute.apply(inputs.subList(from, to)));
                progress.update(to);
            }
        } finally {
            progress.finish();
        }
    }

    /** Scores of a 1-label model (its activation applied), in input order. */
    static float[] scores(CrossEncoder model, List<Pair> pairs, PrintStream err) {
        if (model.config().numLabels() != 1) {
            throw new IllegalStateException("the model has " + model.config().numLabels() + " labels; a score needs a 1-label model");
        }
        float[][] activated = model.transform(logits(model, pairs, err), CrossEncoder.Output.ACTIVATED);
        float[] scores = new float[activated.length];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = activated[i][0];
        }
        return scores;
    }

    /** As {@link CrossEncoder#rank}: best first, equal scores in input order, NaN last, at most topK (all when ≤ 0). */
    static List<CrossEncoder.Ranked> rank(CrossEncoder model, String query, List<String> documents, int topK, PrintStream err) {
        List<Pair> pairs = new ArrayList<>(documents.size());
        for (String d : documents) {
            pairs.add(new Pair(query, d));
        }
        float[] scores = scores(model, pairs, err);
        List<CrossEncoder.Ranked> ranked = new ArrayList<>(scores.length);
        for (int i = 0; i < scores.length; i++) {
            ranked.add(new CrossEncoder.Ranked(i, scores[i], documents.get(i)));
        }
        // NaN (broken weights) ranks last, as the server ranks it: Double.compare would put it first.
        ranked.sort(Comparator.comparingDouble((CrossEncoder.Ranked r) -> Float.isNaN(r.score()) ? Double.NEGATIVE_INFINITY : r.score())
                .reversed());
        return topK > 0 && topK < ranked.size() ? List.copyOf(ranked.subList(0, topK)) : ranked;
    }
}
