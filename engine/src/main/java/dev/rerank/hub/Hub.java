package dev.rerank.hub;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns a model name into a directory the engine can load: a local directory as it is, or a
 * Hugging Face hub id ({@code org/name}) looked up in the Hugging Face cache and downloaded into
 * it when missing (see {@link HubCache} for the layout, shared with Python). A cached model is
 * used without any request; {@code HF_HUB_OFFLINE=1} forbids requests altogether.
 *
 * <pre>{@code
 * Path dir = Hub.resolve("omkar334/reranker-distilroberta-base-stsb");
 * }</pre>
 */
public final class Hub {
    /** Which files a caller needs: everything, or what describes and tokenizes (no weights). */
    public enum Need { MODEL, NO_WEIGHTS }

    private static final Pattern HUB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?");
    private static final List<String> TOKENIZER_FILES = List.of(
            "tokenizer.json", "tokenizer_config.json", "vocab.json", "merges.txt", "special_tokens_map.json");
    private static final List<String> WEIGHT_FILES = List.of("model.safetensors", "pytorch_model.bin");

    /** Largest weights file downloaded: far above any model this engine runs, far below a full disk. */
    static final long MAX_WEIGHTS_BYTES = 32L << 30;
    /** Largest other file (config, tokenizer): the biggest real tokenizer.json files are tens of MB. */
    static final long MAX_FILE_BYTES = 256L << 20;

    private final HubSettings settings;
    private final DownloadProgress progress;

    public Hub(HubSettings settings, DownloadProgress progress) {
        this.settings = settings;
        this.progress = progress;
    }

    /** {@link #resolve(String, String, Need)} of the main revision, all files, with this process's HF_* settings. */
    public static Path resolve(String idOrPath) {
        return new Hub(HubSettings.fromEnvironment(), DownloadProgress.NONE).resolve(idOrPath, "main", Need.MODEL);
    }

    /** A directory holding (at least) the files {@code need} names, downloading what is missing. */
    public Path resolve(String idOrPath, String revision, Need need) {
        if (isDirectory(idOrPath)) {
            return Path.of(idOrPath);
        }
        if (looksLocal(idOrPath) || !HUB_ID.matcher(idOrPath).matches()) {
            throw new HubException("model directory not found: " + idOrPath);
        }
        HubNames.revision(revision);
        HubCache cache = new HubCache(settings.cache(), idOrPath);
        Optional<Path> cached = cache.commit(revision).map(cache::snapshot).filter(s -> complete(s, need));
        if (cached.isPresent()) {
            return cached.get();
        }
        if (settings.offline()) {
            throw new HubException("HF_HUB_OFFLINE is set and there is no cached copy of " + idOrPath
                    + " in " + settings.cache() + ": unset HF_HUB_OFFLINE or use a local model directory (--model DIR)");
        }
        return download(cache, idOrPath, revision, need);
    }

    private static boolean isDirectory(String path) {
        try {
            return Files.isDirectory(Path.of(path));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static boolean looksLocal(String model) {
        return model.startsWith(".") || model.startsWith("/") || model.startsWith("~") || model.contains("\\")
                || model.chars().filter(c -> c == '/').count() > 1;
    }

    /** Whether a snapshot holds config, tokenizer and (when needed) weights. */
    private static boolean complete(Path snapshot, Need need) {
        boolean tokenizer = Files.exists(snapshot.resolve("tokenizer.json"))
                || (Files.exists(snapshot.resolve("vocab.json")) && Files.exists(snapshot.resolve("merges.txt")));
        boolean weights = need == Need.NO_WEIGHTS || WEIGHT_FILES.stream().anyMatch(f -> Files.exists(snapshot.resolve(f)));
        return Files.exists(snapshot.resolve("config.json")) && tokenizer && weights;
    }

    private Path download(HubCache cache, String id, String revision, Need need) {
        HubClient client = new HubClient(settings);
        HubClient.Metadata config;
        try {
            config = client.metadata(id, revision, "config.json");
        } catch (HubException e) {
            throw new HubException(e.getMessage() + "; there is no cached copy of " + id
                    + ": use a local model directory (--model DIR) or check the network", e);
        }
        if (config.missing()) {
            throw new HubException("model " + id + " (revision " + revision + ") was not found on " + settings.endpoint()
                    + ": check the id, or use a local model directory (--model DIR)");
        }
        String commit = config.commit();
        cache.writeRef(revision, commit);
        fetch(cache, client, id, commit, "config.json", config);
        for (String file : TOKENIZER_FILES) {
            fetch(cache, client, id, commit, file, null);
        }
        if (need == Need.MODEL && WEIGHT_FILES.stream().noneMatch(f -> fetch(cache, client, id, commit, f, null))) {
            throw new HubException(id + " has neither model.safetensors nor pytorch_model.bin on the hub");
        }
        return cache.snapshot(commit);
    }

    /** Links one file into the snapshot, downloading its blob unless cached; false when the hub has no such file. */
    private boolean fetch(HubCache cache, HubClient client, String id, String commit, String file, HubClient.Metadata known) {
        if (Files.exists(cache.snapshot(commit).resolve(file))) {
            return true;
        }
        if (cache.knownMissing(commit, file)) {
            return false;
        }
        HubClient.Metadata meta = known != null ? known : client.metadata(id, commit, file);
        if (meta.missing()) {
            cache.markMissing(commit, file);
            return false;
        }
        if (!Files.exists(cache.blob(meta.etag()))) {
            client.download(file, meta, cache.blob(meta.etag()), WEIGHT_FILES.contains(file) ? MAX_WEIGHTS_BYTES : MAX_FILE_BYTES,
                    progress);
        }
        cache.link(commit, file, meta.etag());
        return true;
    }
}
