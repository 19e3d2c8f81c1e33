package dev.rerank.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * Talks to a Hugging Face hub as huggingface_hub does: a HEAD on
 * {@code {endpoint}/{repo}/resolve/{revision}/{file}} says which commit and which blob (ETag) a
 * file is, and where its bytes are; a GET then streams them into an {@code .incomplete} file,
 * resuming a previous attempt with a Range request. Server errors and broken connections are
 * retried a few times; a 404 is an answer, not an error.
 */
final class HubClient {
    static final int ATTEMPTS = 3;

    /** What the hub says about one file; {@code etag} is null when it answered 404. */
    record Metadata(String commit, String etag, long size, URI location) {
        boolean missing() {
            return etag == null;
        }
    }

    private final HubSettings settings;

    HubClient(HubSettings settings) {
        this.settings = settings;
    }

    URI fileUri(String repo, String revision, String file) {
        return URI.create(settings.endpoint() + "/" + repo + "/resolve/" + revision + "/" + file);
    }

    /** HEAD of one file, following the hub's own (relative) redirects but not the CDN's. */
    Metadata metadata(String repo, String revision, String file) {
        return retrying(file, () -> {
            URI current = fileUri(repo, revision, file);
            for (int redirects = 0; redirects < 5; redirects++) {
                HttpURLConnection c = open(current, "HEAD");
                try {
                    int status = c.getResponseCode();
                    String commit = c.getHeaderField("X-Repo-Commit");
                    String location = c.getHeaderField("Location");
                    if (status >= 300 && status < 400 && location != null && !URI.create(location).isAbsolute()) {
                        current = current.resolve(location); // a renamed repository
                        continue;
                    }
                    // The hub answers 401 for a repository that does not exist (or that it will not show).
                    if (status == 404 || "RepoNotFound".equals(c.getHeaderField("X-Error-Code"))) {
                        return new Metadata(commit, null, -1, null);
                    }
                    failUnlessOk(status, file, 399);
                    String etag = normalizeEtag(c.getHeaderField("X-Linked-Etag") != null
                            ? c.getHeaderField("X-Linked-Etag") : c.getHeaderField("ETag"));
                    if (etag == null || commit == null) {
                        throw new HubException(settings.endpoint() + " sent no ETag or commit for " + file
                                + ": not a Hugging Face hub?");
                    }
                    String size = c.getHeaderField("X-Linked-Size");
                    long length = size != null ? Long.parseLong(size.trim()) : c.getContentLengthLong();
                    return new Metadata(commit, etag, length,
                            location != null ? current.resolve(location) : fileUri(repo, commit, file));
                } finally {
                    c.disconnect();
                }
            }
            throw new HubException("too many redirects for " + file);
        });
    }

    /**
     * Downloads {@code meta}'s bytes to {@code blob}: into {@code blob.incomplete} first, resuming
     * what an earlier attempt left there, then renamed once complete and (for a sha256 ETag) verified.
     */
    void download(String file, Metadata meta, Path blob, DownloadProgress progress) {
        Path partial = blob.resolveSibling(blob.getFileName() + ".incomplete");
        retrying(file, () -> {
            transfer(file, meta, partial, progress);
            return null;
        });
        try {
            String sha = sha256Of(meta.etag());
            if (sha != null) {
                String actual = sha256(partial);
                if (!sha.equals(actual)) {
                    Files.delete(partial);
                    throw new HubException("download of " + file + " is corrupt: sha256 " + actual + " but the hub says "
                            + sha + "; nothing was saved");
                }
            }
            Files.move(partial, blob, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new HubException("cannot write to the cache " + settings.cache() + ": " + e.getMessage(), e);
        }
    }

    private void transfer(String file, Metadata meta, Path partial, DownloadProgress progress) {
        URI current = meta.location();
        try {
            Files.createDirectories(partial.getParent());
            long have = Files.exists(partial) ? Files.size(partial) : 0;
            if (meta.size() >= 0 && have >= meta.size()) {
                if (have == meta.size()) {
                    return; // an earlier run got every byte but stopped before the rename
                }
                Files.delete(partial);
                have = 0;
            }
            for (int redirects = 0; redirects < 10; redirects++) {
                HttpURLConnection c = open(current, "GET");
                if (have > 0) {
                    c.setRequestProperty("Range", "bytes=" + have + "-");
                }
                try {
                    int status = c.getResponseCode();
                    String location = c.getHeaderField("Location");
                    if (status >= 300 && status < 400 && location != null) {
                        current = current.resolve(location);
                        continue;
                    }
                    if (status == 416) { // what we hold does not fit: start over
                        Files.delete(partial);
                        throw new Retryable("the hub refused to resume " + file, null);
                    }
                    failUnlessOk(status, file, 206);
                    boolean append = status == 206;
                    long done = append ? have : 0;
                    try (InputStream in = c.getInputStream();
                         OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                                 append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                        byte[] buffer = new byte[1 << 16];
                        for (int n; (n = in.read(buffer)) > 0; ) {
                            out.write(buffer, 0, n);
                            done += n;
                            progress.update(file, done, meta.size());
                        }
                    } finally {
                        progress.finished(file);
                    }
                    if (meta.size() >= 0 && done != meta.size()) {
                        throw new Retryable("download of " + file + " stopped after " + done + " of " + meta.size() + " bytes", null);
                    }
                    return;
                } finally {
                    c.disconnect();
                }
            }
            throw new HubException("too many redirects downloading " + file);
        } catch (IOException e) {
            throw new Retryable("download of " + file + " was interrupted: " + describe(e), e);
        }
    }

    private HttpURLConnection open(URI uri, String method) throws IOException {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        c.setRequestMethod(method);
        // Redirects are followed by hand: the first answer's headers matter, and the token must
        // not travel to another host (the CDN).
        c.setInstanceFollowRedirects(false);
        c.setConnectTimeout(20_000);
        // A stalled transfer fails after this long instead of hanging forever.
        c.setReadTimeout(settings.readTimeoutMillis());
        c.setRequestProperty("User-Agent", "rerank-java/0.1");
        c.setRequestProperty("Accept-Encoding", "identity");
        if (settings.token() != null && Objects.equals(uri.getHost(), URI.create(settings.endpoint()).getHost())) {
            c.setRequestProperty("Authorization", "Bearer " + settings.token());
        }
        return c;
    }

    private static void failUnlessOk(int status, String file, int highestOk) {
        if (status == 401 || status == 403) {
            throw new HubException("the hub refused access to " + file + " (HTTP " + status
                    + "): the model may be private or gated; set HF_TOKEN");
        }
        if (status >= 500 || status == 429) {
            throw new Retryable("the hub answered HTTP " + status + " for " + file, null);
        }
        if (status < 200 || status > highestOk) {
            throw new HubException("the hub answered HTTP " + status + " for " + file);
        }
    }

    private interface Attempt<T> {
        T run() throws IOException;
    }

    private <T> T retrying(String file, Attempt<T> attempt) {
        HubException last = null;
        for (int i = 1; i <= ATTEMPTS; i++) {
            try {
                return attempt.run();
            } catch (Retryable e) {
                last = new HubException(e.getMessage(), e.getCause());
            } catch (IOException e) {
                last = new HubException("cannot reach " + host() + " for " + file + ": " + describe(e), e);
            }
            pause(i);
        }
        throw last;
    }

    private String host() {
        URI uri = URI.create(settings.endpoint());
        return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    }

    /** An ETag as huggingface_hub names blobs: without W/ and quotes. */
    static String normalizeEtag(String etag) {
        if (etag == null) {
            return null;
        }
        String e = etag.trim();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        e = e.replace("\"", "");
        return e.isEmpty() || !e.matches("[A-Za-z0-9._-]+") ? null : e;
    }

    /** The sha256 an ETag stands for, when it is one (64 hex digits); git blob ids (40) are not. */
    static String sha256Of(String etag) {
        String e = normalizeEtag(etag);
        return e != null && e.toLowerCase(Locale.ROOT).matches("[0-9a-f]{64}") ? e.toLowerCase(Locale.ROOT) : null;
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Why a connection failed, in words (an UnknownHostException's message is just the host). */
    static String describe(IOException e) {
        if (e instanceof UnknownHostException) {
            return "unknown host (no network, or a wrong HF_ENDPOINT?)";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof SocketTimeoutException) {
            return "timed out";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(200L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A failure worth trying again: a 5xx answer or a broken connection. */
    private static final class Retryable extends HubException {
        Retryable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
