package dev.rerank.cli;

import dev.rerank.convert.Converter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns {@code --model M} into a directory the engine can load: a local directory as it is, or a
 * hub id looked up in the Hugging Face cache layout
 * ({@code models--org--name/refs/<revision>} → {@code snapshots/<commit>/}) and downloaded into it
 * when missing. A model that ships only {@code pytorch_model.bin} is converted to safetensors once,
 * beside it, and the converted copy is used from then on.
 */
final class ModelResolver {
    static final String DEFAULT_MODEL = "omkar334/reranker-distilroberta-base-stsb";
    private static final Pattern HUB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?");
    private static final List<String> TOKENIZER_FILES = List.of(
            "tokenizer.json", "tokenizer_config.json", "vocab.json", "merges.txt", "special_tokens_map.json");

    private final HubSettings settings;
    private final PrintStream err;

    ModelResolver(HubSettings settings, PrintStream err) {
        this.settings = settings;
        this.err = err;
    }

    /** A loadable model directory for {@code model}, downloading and converting as needed. */
    Path resolve(String model, String revision) {
        Path local = Path.of(model);
        if (Files.isDirectory(local)) {
            return ensureSafetensors(local);
        }
        if (looksLocal(model) || !HUB_ID.matcher(model).matches()) {
            throw new HubException("model directory not found: " + model);
        }
        Optional<Path> cached = cached(model, revision);
        if (cached.isPresent()) {
            return ensureSafetensors(cached.get());
        }
        if (settings.offline()) {
            throw new HubException("HF_HUB_OFFLINE is set and there is no cached copy of " + model
                    + " in " + settings.cache() + ": unset HF_HUB_OFFLINE or pass --model DIR");
        }
        return ensureSafetensors(download(model, revision));
    }

    private static boolean looksLocal(String model) {
        return model.startsWith(".") || model.startsWith("/") || model.startsWith("~") || model.contains("\\")
                || model.chars().filter(c -> c == '/').count() > 1;
    }

    private Path repoDir(String model) {
        return settings.cache().resolve("models--" + model.replace("/", "--"));
    }

    /** The snapshot for this revision, if one is cached with its config and weights. */
    Optional<Path> cached(String model, String revision) {
        Path repo = repoDir(model);
        String commit = revision;
        Path ref = repo.resolve("refs").resolve(revision);
        try {
            if (Files.isRegularFile(ref)) {
                commit = Files.readString(ref, StandardCharsets.UTF_8).trim();
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        Path snapshot = repo.resolve("snapshots").resolve(commit);
        boolean complete = Files.exists(snapshot.resolve("config.json"))
                && (Files.exists(snapshot.resolve("model.safetensors")) || Files.exists(snapshot.resolve("pytorch_model.bin")));
        return complete ? Optional.of(snapshot) : Optional.empty();
    }

    /** Downloads config, tokenizer files and weights into the cache; returns the snapshot directory. */
    Path download(String model, String revision) {
        HubClient hub = new HubClient(settings, err);
        Path staging = repoDir(model).resolve("snapshots").resolve(revision);
        Optional<HubClient.Fetched> config;
        try {
            config = hub.fetch(model, revision, "config.json", staging.resolve("config.json"));
        } catch (HubException e) {
            throw new HubException(e.getMessage() + "; there is no cached copy of " + model
                    + ": pass --model DIR (a local model directory) or check the network", e);
        }
        if (config.isEmpty()) {
            throw new HubException("model " + model + " (revision " + revision + ") was not found on " + settings.endpoint()
                    + ": check the id, or pass --model DIR");
        }
        String commit = config.get().commit() != null && config.get().commit().matches("[0-9a-f]{40}")
                ? config.get().commit() : revision;
        Path snapshot = repoDir(model).resolve("snapshots").resolve(commit);
        try {
            if (!snapshot.equals(staging)) {
                Files.createDirectories(snapshot);
                Files.move(staging.resolve("config.json"), snapshot.resolve("config.json"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                deleteIfEmpty(staging);
            }
        } catch (IOException e) {
            throw new HubException("cannot write to the cache " + settings.cache() + ": " + e.getMessage(), e);
        }
        for (String file : TOKENIZER_FILES) {
            hub.fetch(model, commit, file, snapshot.resolve(file));
        }
        if (hub.fetch(model, commit, "model.safetensors", snapshot.resolve("model.safetensors")).isEmpty()
                && hub.fetch(model, commit, "pytorch_model.bin", snapshot.resolve("pytorch_model.bin")).isEmpty()) {
            throw new HubException(model + " has neither model.safetensors nor pytorch_model.bin on the hub");
        }
        try {
            Path refs = repoDir(model).resolve("refs");
            Files.createDirectories(refs);
            if (!commit.equals(revision)) {
                Files.writeString(refs.resolve(revision), commit, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new HubException("cannot write to the cache " + settings.cache() + ": " + e.getMessage(), e);
        }
        return snapshot;
    }

    private static void deleteIfEmpty(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            if (entries.findAny().isEmpty()) {
                Files.delete(dir);
            }
        }
    }

    /**
     * A directory with safetensors weights for {@code dir}: the directory itself, or — when it has
     * only PyTorch weights — a converted copy made once, beside the model if it is writable, else
     * in the cache.
     */
    Path ensureSafetensors(Path dir) {
        if (Files.exists(dir.resolve("model.safetensors")) || Files.exists(dir.resolve("model.safetensors.index.json"))) {
            return dir;
        }
        boolean pytorch = Files.exists(dir.resolve("pytorch_model.bin")) || Files.exists(dir.resolve("pytorch_model.bin.index.json"));
        if (!pytorch) {
            return dir; // the engine names what is missing
        }
        Path target = Files.isWritable(dir) ? dir : convertedCacheDir(dir);
        if (!Files.exists(target.resolve("model.safetensors"))) {
            Converter.convertPyTorch(dir, target);
            err.println("rerank: converted the PyTorch weights of " + dir + " to " + target.resolve("model.safetensors")
                    + " (done once)");
        }
        return target;
    }

    private Path convertedCacheDir(Path dir) {
        String key = HexFormat.of().formatHex(dir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
        if (key.length() > 64) {
            key = Integer.toHexString(key.hashCode()) + key.substring(key.length() - 48);
        }
        return settings.cache().resolveSibling("rerank-converted").resolve(key);
    }
}
