package dev.rerank.hub;

import dev.rerank.io.BoundedFiles;
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
        if (HubNames.isCommit(revision)) {
            return Optional.of(revision);
        }
        Path ref = HubNames.inside(repo, repo.resolve("refs").resolve(HubNames.revision(revision)));
        try {
            // A ref file holds one commit hash; anything else (a FIFO, a huge or edited file) is no ref.
            String commit = BoundedFiles.readString(ref, 1024, "ref file").trim();
            return HubNames.isCommit(commit) ? Optional.of(commit) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    Path snapshot(String commit) {
        return HubNames.inside(repo, repo.resolve("snapshots").resolve(HubNames.commit(commit, "a snapshot")));
    }

    Path blob(String etag) {
        if (HubNames.etag(etag) == null) {
            throw new HubException("invalid blob name " + HubNames.quote(etag));
        }
        return HubNames.inside(repo, repo.resolve("blobs").resolve(etag));
    }

    private Path noExist(String commit, String file) {
        return HubNames.inside(repo, repo.resolve(".no_exist").resolve(HubNames.commit(commit, file)).resolve(HubNames.file(file)));
    }

    boolean knownMissing(String commit, String file) {
        return Files.exists(noExist(commit, file));
    }

    void markMissing(String commit, String file) {
        write(noExist(commit, file), "");
    }

    void writeRef(String revision, String commit) {
        if (!revision.equals(commit)) {
            write(HubNames.inside(repo, repo.resolve("refs").resolve(HubNames.revision(revision))), HubNames.commit(commit, revision));
        }
    }

    /** Links {@code snapshots/{commit}/{file}} to its blob, relative as huggingface_hub does. */
    Path link(String commit, String file, String etag) {
        Path pointer = HubNames.inside(snapshot(commit), snapshot(commit).resolve(HubNames.file(file)));
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
