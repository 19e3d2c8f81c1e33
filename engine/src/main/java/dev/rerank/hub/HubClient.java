package dev.rerank.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

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
                    String location = c.getHeaderField("Location");
                    if (status >= 300 && status < 400 && location != null && relative(location)) {
                        current = location(current, location); // a renamed repository
                        continue;
                    }
                    return parseHead(file, status, c::getHeaderField, current, commit -> fileUri(repo, commit, file));
                } finally {
                    c.disconnect();
                }
            }
            throw new HubException("too many redirects for " + file);
        });
    }

    /**
     * What a HEAD answer (not a redirect to follow) says about {@code file}: every header checked,
     * since a mirror or proxy may send anything: the commit is 40 hex digits, the ETag a plain
     * blob name, the size a non-negative number, a Location an http(s) address.
     */
    static Metadata parseHead(String file, int status, Function<String, String> header, URI request,
                              Function<String, URI> atCommit) {
        // The hub answers 401 for a repository that does not exist (or that it will not show).
        if (status == 404 || "RepoNotFound".equals(header.apply("X-Error-Code"))) {
            return new Metadata(null, null, -1, null);
        }
        failUnlessOk(status, file, 399);
        String rawEtag = header.apply("X-Linked-Etag") != null ? header.apply("X-Linked-Etag") : header.apply("ETag");
        String etag = normalizeEtag(rawEtag);
        if (etag == null) {
            throw new HubException("the hub sent " + (rawEtag == null ? "no ETag" : "an invalid ETag " + HubNames.quote(rawEtag))
                    + " for " + file + ": not a Hugging Face hub?");
        }
        String commit = HubNames.commit(header.apply("X-Repo-Commit"), file);
        String size = header.apply("X-Linked-Size") != null ? header.apply("X-Linked-Size") : header.apply("Content-Length");
        long length = -1;
        if (size != null) {
            String digits = size.trim();
            if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                throw new HubException("the hub sent an invalid size " + HubNames.quote(size) + " for " + file);
            }
            length = Long.parseLong(digits);
        }
        String location = header.apply("Location");
        return new Metadata(commit, etag, length, location != null ? location(request, location) : atCommit.apply(commit));
    }

    private static boolean relative(String location) {
        try {
            return !new URI(location.trim()).isAbsolute();
        } catch (URISyntaxException e) {
            return false; // parseHead names it
        }
    }

    /** A Location header resolved against the request: only http and https, and never from https down to http. */
    static URI location(URI request, String value) {
        URI next;
        try {
            next = request.resolve(new URI(value.trim()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new HubException("the hub sent an invalid redirect " + HubNames.quote(value));
        }
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http") && "http".equalsIgnoreCase(request.getScheme()))
                || next.getHost() == null) {
            throw new HubException("the hub redirected to " + HubNames.quote(value) + ": only http(s) addresses are followed, "
                    + "and never from https to http");
        }
        // "hTtps:" is https too (found by the fuzz pass): one spelling for every later comparison.
        return URI.create(scheme + next.toString().substring(scheme.length()));
    }

    /**
     * Downloads {@code meta}'s bytes to {@code blob}: into {@code blob.incomplete} first, resuming
     * what an earlier attempt left there, then renamed once complete and (for a sha256 ETag) verified.
     */
    void download(String file, Metadata meta, Path blob, long maxBytes, DownloadProgress progress) {
        if (meta.size() > maxBytes) {
            throw new HubException("the hub says " + file + " is " + meta.size() + " bytes, more than the limit of " + maxBytes
                    + " bytes for it; nothing was downloaded");
        }
        // Never more than the hub announced, nor more than the limit when it announced nothing.
        long limit = meta.size() >= 0 ? meta.size() : maxBytes;
        Path partial = blob.resolveSibling(blob.getFileName() + ".incomplete");
        retrying(file, () -> {
            transfer(file, meta, partial, limit, progress);
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

    private void transfer(String file, Metadata meta, Path partial, long limit, DownloadProgress progress) {
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
                        current = location(current, location);
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
                            if (done + n > limit) {
                                throw new TooLarge("the hub sent more than " + limit + " bytes for " + file
                                        + (meta.size() >= 0 ? ", the size it announced" : ", the limit for it") + "; nothing was saved");
                            }
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
        } catch (TooLarge e) {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // Reported below all the same.
            }
            throw new HubException(e.getMessage());
        } catch (IOException e) {
            throw new Retryable("download of " + file + " was interrupted: " + describe(e), e);
        }
    }

    /** More bytes than a file may have: not worth retrying, and what arrived is dropped. */
    private static final class TooLarge extends IOException {
        TooLarge(String message) {
            super(message);
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
        return HubNames.etag(e.replace("\"", ""));
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
