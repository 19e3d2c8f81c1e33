package dev.rerank.hub;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Checks every name a hub answer or a caller puts into a cache path, as huggingface_hub checks
 * them: a commit is 40 hex digits, a revision a git ref name, a file a relative name inside the
 * repository, an ETag a plain blob name; and every path written is proven to stay inside the
 * repository's cache folder after normalisation. A mirror or proxy (HF_ENDPOINT) is untrusted:
 * an {@code X-Repo-Commit: ../../x} must not create or link anything outside the cache.
 */
final class HubNames {
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    /** Git ref names: no "..", no control characters, none of ~^:?*[\ and no leading or doubled '/'. */
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
    private static final Pattern ETAG = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");
    private static final int MAX_NAME = 256;

    private HubNames() {}

    static boolean isCommit(String s) {
        return COMMIT.matcher(s).matches();
    }

    /** The commit a hub sent ({@code X-Repo-Commit}), checked. */
    static String commit(String value, String file) {
        if (value == null || !isCommit(value)) {
            throw new HubException("the hub sent " + (value == null ? "no commit" : "an invalid commit " + quote(value))
                    + " for " + file + ": expected 40 hexadecimal digits");
        }
        return value;
    }

    /** A revision (branch, tag or commit) to look up, checked before it names a file under refs/. */
    static String revision(String revision) {
        if (!plain(revision, REVISION)) {
            throw new HubException("invalid revision " + quote(revision)
                    + ": a branch, tag or commit name of letters, digits and . _ - / (no .. or empty parts)");
        }
        return revision;
    }

    /** A file name inside a repository, checked before it names a path in a snapshot. */
    static String file(String file) {
        if (!plain(file, FILE)) {
            throw new HubException("invalid file name " + quote(file) + " in a hub repository");
        }
        return file;
    }

    /** An ETag's blob name, or null when it cannot name a file (quotes and W/ already removed). */
    static String etag(String e) {
        return e != null && e.length() <= MAX_NAME && ETAG.matcher(e).matches() ? e : null;
    }

    private static boolean plain(String name, Pattern pattern) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME || !pattern.matcher(name).matches()) {
            return false;
        }
        for (String part : name.split("/")) {
            if (part.equals(".") || part.equals("..") || part.endsWith(".lock") || part.startsWith(".")) {
                return false;
            }
        }
        return true;
    }

    /** {@code path}, after checking that it lies inside {@code base} once both are normalised. */
    static Path inside(Path base, Path path) {
        Path b = base.toAbsolutePath().normalize();
        Path p = path.toAbsolutePath().normalize();
        if (!p.startsWith(b) || p.equals(b)) {
            throw new HubException("refusing to write " + quote(path.toString()) + ": it is not inside the cache folder " + base);
        }
        return path;
    }

    /** An untrusted value for an error message: control characters escaped, at most 80 characters. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder("'");
        for (int i = 0; i < s.length() && out.length() < 81; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\'' || c == '\\') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append(s.length() > 80 ? "...'" : "'").toString();
    }
}
