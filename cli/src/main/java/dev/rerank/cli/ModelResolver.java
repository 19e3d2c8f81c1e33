package dev.rerank.cli;

import dev.rerank.convert.Converter;
import dev.rerank.hub.DownloadProgress;
import dev.rerank.hub.Hub;
import dev.rerank.hub.HubSettings;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Turns {@code --model M} into a directory the engine can load: the engine's {@link Hub} finds or
 * downloads it (drawing a progress bar), and a model that ships only {@code pytorch_model.bin} is
 * converted to safetensors once, into {@code rerank-converted/} beside the hub cache — never into
 * the model's own directory, which belongs to its owner (or to huggingface_hub's cache).
 */
final class ModelResolver {
    static final String DEFAULT_MODEL = "omkar334/reranker-distilroberta-base-stsb";

    private final HubSettings settings;
    private final PrintStream err;

    ModelResolver(HubSettings settings, PrintStream err) {
        this.settings = settings;
        this.err = err;
    }

    /** A loadable model directory for {@code model}, downloading and converting as needed. */
    Path resolve(String model, String revision) {
        return ensureSafetensors(hub().resolve(model, revision, Hub.Need.MODEL));
    }

    /** Config and tokenizer of {@code model}, without downloading its weights. */
    Path resolveWithoutWeights(String model, String revision) {
        return hub().resolve(model, revision, Hub.Need.NO_WEIGHTS);
    }

    private Hub hub() {
        return new Hub(settings, new DownloadProgress() {
            private Progress bar;

            @Override
            public void update(String file, long done, long total) {
                if (bar == null) {
                    bar = Progress.start(err, file, total, Progress.Unit.BYTES);
                }
                bar.update(done);
            }

            @Override
            public void finished(String file) {
                if (bar != null) {
                    bar.finish();
                    bar = null;
                }
            }
        });
    }

    /**
     * A directory with safetensors weights for {@code dir}: the directory itself, or — when it has
     * only PyTorch weights — a converted copy made once in the cache.
     */
    Path ensureSafetensors(Path dir) {
        if (Files.exists(dir.resolve("model.safetensors")) || Files.exists(dir.resolve("model.safetensors.index.json"))) {
            return dir;
        }
        boolean pytorch = Files.exists(dir.resolve("pytorch_model.bin")) || Files.exists(dir.resolve("pytorch_model.bin.index.json"));
        if (!pytorch) {
            return dir; // the engine names what is missing
        }
        Path target = convertedDir(dir);
        if (!Files.exists(target.resolve("model.safetensors"))) {
            try (ConversionBars bars = new ConversionBars(err)) {
                Converter.convertPyTorch(dir, target, bars);
            }
            err.println("rerank: converted the PyTorch weights of " + dir + " to " + target.resolve("model.safetensors")
                    + " (done once)");
        }
        return target;
    }

    /** Where the converted copy of {@code dir} lives: one folder per source directory, beside the hub cache. */
    Path convertedDir(Path dir) {
        byte[] path = dir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8);
        String key;
        try {
            key = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(path)).substring(0, 32);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return settings.cache().resolveSibling("rerank-converted").resolve(dir.getFileName() + "-" + key);
    }
}
