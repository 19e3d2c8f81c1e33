package dev.rerank.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Downloads files from a Hugging Face hub ({@code {endpoint}/{repo}/resolve/{revision}/{file}}).
 *
 * <p>Each file goes to a temporary name beside its target and is renamed only once it is complete
 * and, when the hub gives a sha256 (an LFS file's {@code X-Linked-Etag}), verified; an interrupted
 * or corrupt download therefore never leaves a file that looks complete. Server errors and broken
 * connections are retried a few times; a 404 is an answer, not an error.
 */
final class HubClient {
    static final int ATTEMPTS = 3;

    /** What a successful fetch learned from the hub. */
    record Fetched(Path file, String commit) {}

    private final HubSettings settings;
    private final PrintStream progressOut;

    HubClient(HubSettings settings, PrintStream progressOut) {
        this.settings = settings;
        this.progressOut = progressOut;
    }

    /** Fetches one file into {@code target}; empty when the hub answers 404. */
    Optional<Fetched> fetch(String repo, String revision, String file, Path target) {
        URI uri = URI.create(settings.endpoint() + "/" + repo + "/resolve/" + revision + "/" + file);
        HubException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return attemptFetch(uri, file, target);
            } catch (RetryableException e) {
                last = new HubException(e.getMessage(), e.getCause());
                pause(attempt);
            }
        }
        throw last;
    }

    private Optional<Fetched> attemptFetch(URI uri, String file, Path target) {
        String expectedSha = null;
        String commit = null;
        URI current = uri;
        HttpURLConnection connection;
        for (int redirects = 0; ; redirects++) {
            try {
                connection = (HttpURLConnection) current.toURL().openConnection();
                // Redirects are followed by hand, to keep the first response's headers (the sha256).
                connection.setInstanceFollowRedirects(false);
                connection.setConnectTimeout(20_000);
                // A stalled transfer fails after this long instead of hanging forever.
                connection.setReadTimeout(settings.readTimeoutMillis());
                connection.setRequestProperty("User-Agent", "rerank-java/0.1");
                if (settings.token() != null && Objects.equals(current.getHost(), uri.getHost())) {
                    connection.setRequestProperty("Authorization", "Bearer " + settings.token());
                }
                int status = connection.getResponseCode();
                if (expectedSha == null) {
                    String etag = connection.getHeaderField("X-Linked-Etag");
                    expectedSha = sha256Of(etag != null ? etag : connection.getHeaderField("ETag"));
                }
                if (commit == null) {
                    commit = connection.getHeaderField("X-Repo-Commit");
                }
                String location = connection.getHeaderField("Location");
                if (status >= 300 && status < 400 && location != null) {
                    connection.disconnect();
                    if (redirects >= 5) {
                        throw new HubException("too many redirects downloading " + file);
                    }
                    current = current.resolve(location);
                    continue;
                }
                if (status == 404) {
                    connection.disconnect();
                    return Optional.empty();
                }
                if (status == 401 || status == 403) {
                    connection.disconnect();
                    throw new HubException("the hub refused access to " + file + " (HTTP " + status
                            + "): the model may be private or gated; set HF_TOKEN");
                }
                if (status >= 500 || status == 429) {
                    connection.disconnect();
                    throw new RetryableException("the hub answered HTTP " + status + " for " + file, null);
                }
                if (status != 200) {
                    connection.disconnect();
                    throw new HubException("the hub answered HTTP " + status + " for " + file);
                }
                break;
            } catch (IOException e) {
                throw new RetryableException("cannot reach " + settings.endpoint() + " for " + file + ": " + describe(e), e);
            }
        }
        try {
            save(connection, file, target, connection.getContentLengthLong(), expectedSha);
        } finally {
            connection.disconnect();
        }
        return Optional.of(new Fetched(target, commit));
    }

    private void save(HttpURLConnection response, String file, Path target, long length, String expectedSha) {
        Path temp = null;
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            temp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".partial");
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            Progress progress = Progress.start(progressOut, file, length);
            long total = 0;
            try (InputStream in = response.getInputStream(); OutputStream out = Files.newOutputStream(temp)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                    sha.update(buffer, 0, n);
                    total += n;
                    progress.update(total);
                }
            } finally {
                progress.finish();
            }
            if (length >= 0 && total != length) {
                throw new RetryableException("download of " + file + " stopped after " + total + " of " + length + " bytes", null);
            }
            String actual = HexFormat.of().formatHex(sha.digest());
            if (expectedSha != null && !expectedSha.equals(actual)) {
                throw new HubException("download of " + file + " is corrupt: sha256 " + actual + " but the hub says "
                        + expectedSha + "; nothing was saved");
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new RetryableException("download of " + file + " was interrupted: " + describe(e), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // Nothing more can be done about a temp file that will not go away.
                }
            }
        }
    }

    /** The sha256 an ETag stands for, when it is one (64 hex digits); git blob ids (40) are not. */
    static String sha256Of(String etag) {
        if (etag == null) {
            return null;
        }
        String e = etag.trim();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        e = e.replace("\"", "").toLowerCase(Locale.ROOT);
        return e.matches("[0-9a-f]{64}") ? e : null;
    }

    private static String describe(IOException e) {
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
    private static final class RetryableException extends HubException {
        RetryableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
