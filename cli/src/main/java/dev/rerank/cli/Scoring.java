package dev.rerank.cli;

import dev.rerank.CrossEncoder;
import dev.rerank.SentenceEncoder;
import dev.rerank.CrossEncoder.Pair;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Scoring many pairs with a progress bar: the pairs go to the model in chunks, so the bar can move.
 * Scores do not depend on what else is in a call (the engine guarantees it), so chunking changes
 * nothing but the bar.
 */
final class Scoring {
    private static final int CHUNK = 256;

    private Scoring() {}

    /** The logits of every pair, in input order. */
    static float[][] logits(CrossEncoder model, List<Pair> pairs, PrintStream err) {
        float[][] out = new float[pairs.size()][];
        Progress progress = pairs.size() > CHUNK ? Progress.start(err, "scoring", pairs.size(), Progress.Unit.PAIRS)
                : Progress.start(null, "", 0, Progress.Unit.PAIRS);
        try {
            for (int from = 0; from < pairs.size(); from += CHUNK) {
                int to = Math.min(pairs.size(), from + CHUNK);
                float[][] chunk = model.predict(pairs.subList(from, to), CrossEncoder.Output.LOGITS);
                System.arraycopy(chunk, 0, out, from, chunk.length);
                progress.update(to);
            }
        } finally {
            progress.finish();
        }
        return out;
    }

    /** Embeddings of the texts with the model's prompt {@code promptName} (null: its default prompt, if any), in input order. */
    static float[][] embeddings(SentenceEncoder model, List<String> texts, String promptName, PrintStream err) {
        float[][] out = new float[texts.size()][];
        Progress progress = texts.size() > CHUNK ? Progress.start(err, "embedding", texts.size(), Progress.Unit.TEXTS)
                : Progress.start(null, "", 0, Progress.Unit.TEXTS);
        try {
            for (int from = 0; from < texts.size(); from += CHUNK) {
                int to = Math.min(texts.size(), from + CHUNK);
                List<String> part = texts.subList(from, to);
                float[][] chunk = promptName == null ? model.encode(part) : model.encode(part, promptName);
                System.arraycopy(chunk, 0, out, from, chunk.length);
                progress.update(to);
            }
        } finally {
            progress.finish();
        }
        return out;
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

    /** As {@link CrossEncoder#rank}: best first, equal scores in input order, at most topK (all when ≤ 0). */
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
        ranked.sort(Comparator.comparingDouble((CrossEncoder.Ranked r) -> r.score()).reversed());
        return topK > 0 && topK < ranked.size() ? List.copyOf(ranked.subList(0, topK)) : ranked;
    }
}
