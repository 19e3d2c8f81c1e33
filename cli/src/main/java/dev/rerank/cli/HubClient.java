package dev.rerank.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
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
    private final HttpClient http;

    HubClient(HubSettings settings, PrintStream progressOut) {
        this.settings = settings;
        this.progressOut = progressOut;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER) // followed by hand, to keep the first response's headers
                .connectTimeout(Duration.ofSeconds(20))
                .build();
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
        HttpResponse<InputStream> response;
        for (int redirects = 0; ; redirects++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(current).timeout(Duration.ofMinutes(10)).GET()
                    .header("User-Agent", "rerank-java/0.1");
            if (settings.token() != null && current.getHost() != null && current.getHost().equals(uri.getHost())) {
                request.header("Authorization", "Bearer " + settings.token());
            }
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                throw new RetryableException("cannot reach " + settings.endpoint() + " for " + file + ": " + describe(e), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HubException("interrupted while downloading " + file, e);
            }
            if (expectedSha == null) {
                var headers = response.headers();
                expectedSha = sha256Of(headers.firstValue("x-linked-etag").or(() -> headers.firstValue("etag")).orElse(null));
            }
            if (commit == null) {
                commit = response.headers().firstValue("x-repo-commit").orElse(null);
            }
            int status = response.statusCode();
            if (status >= 300 && status < 400 && response.headers().firstValue("location").isPresent()) {
                close(response);
                if (redirects >= 5) {
                    throw new HubException("too many redirects downloading " + file);
                }
                current = current.resolve(response.headers().firstValue("location").get());
                continue;
            }
            if (status == 404) {
                close(response);
                return Optional.empty();
            }
            if (status == 401 || status == 403) {
                close(response);
                throw new HubException("the hub refused access to " + file + " (HTTP " + status
                        + "): the model may be private or gated; set HF_TOKEN");
            }
            if (status >= 500 || status == 429) {
                close(response);
                throw new RetryableException("the hub answered HTTP " + status + " for " + file, null);
            }
            if (status != 200) {
                close(response);
                throw new HubException("the hub answered HTTP " + status + " for " + file);
            }
            break;
        }
        long length = response.headers().firstValueAsLong("content-length").orElse(-1);
        save(response, file, target, length, expectedSha);
        return Optional.of(new Fetched(target, commit));
    }

    private void save(HttpResponse<InputStream> response, String file, Path target, long length, String expectedSha) {
        Path temp = null;
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            temp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".partial");
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            Progress progress = Progress.start(progressOut, file, length);
            long total = 0;
            try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(temp)) {
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

    private static void close(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // The body is not needed.
        }
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
