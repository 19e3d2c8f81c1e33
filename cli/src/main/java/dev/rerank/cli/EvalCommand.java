package dev.rerank.cli;

import dev.rerank.CrossEncoder;
import dev.rerank.CrossEncoder.Pair;
import dev.rerank.SentenceEncoder;
import dev.rerank.embedding.SentenceTransformersDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * rerank eval: the STS-B evaluation. For a cross-encoder, the model card's: Pearson and Spearman
 * correlation between its scores and the gold scores divided by 5 (sentence-transformers'
 * CrossEncoderCorrelationEvaluator). For an embedding model, sentence-transformers'
 * EmbeddingSimilarityEvaluator: the correlations of the cosine similarity of the two sentences'
 * embeddings with the gold scores.
 */
final class EvalCommand {
    static final String USAGE = """
            usage: rerank eval [options] [--data sts-test.csv]

            Scores every pair of an STS benchmark file (tab-separated: genre, file, year, id,
            score 0-5, sentence1, sentence2) and prints the Pearson and Spearman correlation of the
            scores with the gold scores. A cross-encoder scores each pair; an embedding model
            (sentence-transformers directory) scores the cosine similarity of the two embeddings.
            Default data: the STS-B test split in testdata/.

            options:
              --data FILE      STS-B style file (default testdata/stsb/sts-test.csv)
            """ + ModelOptions.HELP;

    private final Console console;

    EvalCommand(Console console) {
        this.console = console;
    }

    void run(String[] argv) {
        ModelOptions.help(argv, USAGE);
        Args args = new Args(argv, 1, ModelOptions.with("data"), Set.of());
        if (!args.positionals().isEmpty()) {
            throw new UsageException("unexpected argument '" + args.positionals().get(0) + "'");
        }
        Path data = args.has("data") ? Path.of(args.get("data", "")) : console.home().resolve("testdata/stsb/sts-test.csv");
        List<Pair> pairs = new ArrayList<>();
        List<Double> gold = new ArrayList<>();
        read(data, pairs, gold);
        ModelOptions.checkNumbers(args);
        Path dir = ModelOptions.resolve(args, console);
        if (SentenceTransformersDir.isEmbeddingModel(dir)) {
            evaluateEmbeddings(args, dir, data, pairs, gold);
            return;
        }
        try (CrossEncoder model = ModelOptions.load(args, dir)) {
            if (model.config().numLabels() != 1) {
                throw new IllegalArgumentException("eval needs a 1-label (similarity) model; this one has "
                        + model.config().numLabels() + " labels");
            }
            long start = System.nanoTime();
            float[] s = Scoring.scores(model, pairs, console.err());
            double[] scores = new double[s.length];
            for (int i = 0; i < s.length; i++) {
                scores[i] = s[i];
            }
            report(data, scores, gold, "", start, pairs.size() + " pairs");
        }
    }

    private void evaluateEmbeddings(Args args, Path dir, Path data, List<Pair> pairs, List<Double> gold) {
        try (SentenceEncoder model = ModelOptions.loadSentenceEncoder(args, dir)) {
            long start = System.nanoTime();
            List<String> first = new ArrayList<>();
            List<String> second = new ArrayList<>();
            for (Pair p : pairs) {
                first.add(p.a());
                second.add(p.b());
            }
            List<String> both = new ArrayList<>(first);
            both.addAll(second);
            float[][] all = Scoring.embeddings(model, both, null, console.err());
            float[][] a = java.util.Arrays.copyOfRange(all, 0, pairs.size());
            float[][] b = java.util.Arrays.copyOfRange(all, pairs.size(), all.length);
            double[] scores = new double[pairs.size()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = SentenceEncoder.similarity(a[i], b[i]);
            }
            report(data, scores, gold, " (cosine similarity of embeddings)", start, 2 * pairs.size() + " sentences");
        }
    }

    private void report(Path data, double[] scores, List<Double> gold, String what, long start, String work) {
        double seconds = (System.nanoTime() - start) / 1e9;
        double[] g = gold.stream().mapToDouble(Double::doubleValue).toArray();
        console.out().printf(Locale.ROOT, "STS-B %s: %d pairs%s%n", data.getFileName(), scores.length, what);
        console.out().printf(Locale.ROOT, "Pearson:  %.4f%n", Correlation.pearson(scores, g));
        console.out().printf(Locale.ROOT, "Spearman: %.4f%n", Correlation.spearman(scores, g));
        console.err().printf(Locale.ROOT, "%s in %.1f s%n", work, seconds);
    }

    /** Splits on TAB only: sentences contain quotes, and a quote-aware reader loses rows. */
    static void read(Path file, List<Pair> pairs, List<Double> gold) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InputException("data file not found: " + file);
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length < 7) {
                throw new InputException(file + " line " + (i + 1) + ": expected at least 7 tab-separated fields, found " + f.length);
            }
            double score;
            try {
                score = Double.parseDouble(f[4].trim());
            } catch (NumberFormatException e) {
                throw new InputException(file + " line " + (i + 1) + ": score '" + f[4] + "' is not a number");
            }
            if (!Double.isFinite(score)) { // parseDouble takes "NaN" and "Infinity": a correlation with them is NaN
                throw new InputException(file + " line " + (i + 1) + ": score '" + f[4] + "' is not a finite number");
            }
            pairs.add(new Pair(f[5], f[6]));
            gold.add(score / 5.0);
        }
        if (pairs.isEmpty()) {
            throw new InputException(file + " holds no pairs");
        }
    }
}
