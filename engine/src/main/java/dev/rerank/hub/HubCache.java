package dev.rerank.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The Hugging Face cache layout, exactly as huggingface_hub writes and reads it, so Python and
 * rerank share one cache:
 * <pre>
 * models--{org}--{name}/
 *   blobs/{etag}                      file contents, named by ETag (sha256 for LFS files)
 *   blobs/{etag}.incomplete           a download in progress (resumed by the next run)
 *   snapshots/{commit}/{file}         relative symlinks to ../../blobs/{etag}
 *   refs/{revision}                   the commit a branch or tag pointed at
 *   .no_exist/{commit}/{file}         empty markers: the hub has no such file at that commit
 * </pre>
 * A snapshot only ever holds links to complete blobs, so an interrupted download leaves nothing
 * in {@code snapshots/}.
 */
final class HubCache {
    private final Path repo;

    HubCache(Path cache, String repoId) {
        this.repo = cache.resolve("models--" + repoId.replace("/", "--"));
    }

    Path repo() {
        return repo;
    }

    /** The commit {@code revision} names: itself when it is a commit hash, else what refs/ says. */
    Optional<String> commit(String revision) {
        if (revision.matches("[0-9a-f]{40}")) {
            return Optional.of(revision);
        }
        Path ref = repo.resolve("refs").resolve(revision);
        try {
            return Files.isRegularFile(ref) ? Optional.of(Files.readString(ref, StandardCharsets.UTF_8).trim()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    Path snapshot(String commit) {
        return repo.resolve("snapshots").resolve(commit);
    }

    Path blob(String etag) {
        return repo.resolve("blobs").resolve(etag);
    }

    boolean knownMissing(String commit, String file) {
        return Files.exists(repo.resolve(".no_exist").resolve(commit).resolve(file));
    }

    void markMissing(String commit, String file) {
        write(repo.resolve(".no_exist").resolve(commit).resolve(file), "");
    }

    void writeRef(String revision, String commit) {
        if (!revision.equals(commit)) {
            write(repo.resolve("refs").resolve(revision), commit);
        }
    }

    /** Links {@code snapshots/{commit}/{file}} to its blob, relative as huggingface_hub does. */
    Path link(String commit, String file, String etag) {
        Path pointer = snapshot(commit).resolve(file);
        try {
            Files.createDirectories(pointer.getParent());
            Path target = pointer.getParent().relativize(blob(etag));
            Files.deleteIfExists(pointer);
            try {
                Files.createSymbolicLink(pointer, target);
            } catch (UnsupportedOperationException | IOException e) {
                // No symlinks here (Windows without developer mode): huggingface_hub copies then.
                Files.copy(blob(etag), pointer);
            }
            return pointer;
        } catch (IOException e) {
            throw new HubException("cannot write to the cache " + repo.getParent() + ": " + e.getMessage(), e);
        }
    }

    private void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new HubException("cannot write to the cache " + repo.getParent() + ": " + e.getMessage(), e);
        }
    }
}
