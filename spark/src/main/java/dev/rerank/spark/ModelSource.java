package dev.rerank.spark;

import dev.rerank.hub.Hub;
import dev.rerank.model.ModelException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.apache.spark.SparkFiles;

/**
 * Where a model comes from, as a value that travels to the executors and is turned into a local
 * directory on each node: a directory present on every node, a directory shipped with the job
 * ({@code --files}, {@code --archives}, {@code SparkContext.addFile(dir, true)}), or a hub id.
 *
 * @param kind     how {@code location} is read
 * @param location the directory, the SparkFiles name, or the hub id
 */
public record ModelSource(Kind kind, String location) implements Serializable {
    /** How a location names a model. */
    public enum Kind {
        /** A directory at the same path on every node. */
        DIRECTORY,
        /** A file name shipped with the job, found with {@link SparkFiles#get} on each node. */
        SPARK_FILES,
        /** A Hugging Face hub id ({@code org/name}), resolved on each node into its Hugging Face cache. */
        HUB
    }

    private static final Pattern HUB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*");

    public ModelSource {
        if (kind == null || location == null || location.isBlank()) {
            throw new IllegalArgumentException("a model source needs a kind and a location, got " + kind + " '" + location + "'");
        }
    }

    public static ModelSource directory(String path) {
        return new ModelSource(Kind.DIRECTORY, path);
    }

    public static ModelSource sparkFiles(String name) {
        return new ModelSource(Kind.SPARK_FILES, name);
    }

    public static ModelSource hub(String id) {
        return new ModelSource(Kind.HUB, id);
    }

    /**
     * Reads what a user typed, as the driver sees it: a local directory; else a name shipped with
     * the job (when a SparkSession is running and SparkFiles has it); else an {@code org/name} hub
     * id; else a directory, which then fails to load with the engine's "model directory not found".
     */
    public static ModelSource of(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("no model given");
        }
        if (Files.isDirectory(Path.of(spec))) {
            return directory(spec);
        }
        if (ModelSettings.session().isPresent() && !spec.contains("/") && Files.isDirectory(Path.of(SparkFiles.get(spec)))) {
            return sparkFiles(spec);
        }
        if (HUB_ID.matcher(spec).matches() && !spec.startsWith(".")) {
            return hub(spec);
        }
        return directory(spec);
    }

    /** The model's directory on this node (driver or executor). */
    public Path resolve() {
        return switch (kind) {
            case DIRECTORY -> Path.of(location);
            case SPARK_FILES -> sparkFile();
            case HUB -> resolveHubId(location);
        };
    }

    private Path sparkFile() {
        Path dir = Path.of(SparkFiles.get(location));
        if (!Files.isDirectory(dir)) {
            throw new ModelException("model directory not found: '" + location + "' is not among the job's files (looked in "
                    + SparkFiles.getRootDirectory() + "); ship it with --files/--archives or SparkContext.addFile(dir, true)");
        }
        return dir;
    }

    /**
     * The one place where hub ids become directories on a node: the engine's hub client, which
     * looks the id up in this node's Hugging Face cache (HF_HOME, HF_HUB_CACHE, HF_TOKEN and
     * HF_HUB_OFFLINE of the executor's environment apply) and downloads it there when missing.
     * The JVM's model cache makes this happen once per executor JVM, not once per task.
     */
    private static Path resolveHubId(String id) {
        return Hub.resolve(id);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case DIRECTORY -> location;
            case SPARK_FILES -> "SparkFiles:" + location;
            case HUB -> "hub:" + location;
        };
    }
}
