package dev.rerank.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads the small files of a model directory (configs, indexes, cache refs), which may come from
 * anyone: only a regular file is opened — a FIFO would block the open until some writer comes, a
 * device such as {@code /dev/zero} never ends — and only up to a cap per kind of file, so a file
 * that grows (or is swapped) after the check still cannot cost more than the cap.
 */
public final class BoundedFiles {
    /** config.json, modules.json and the other sentence-transformers configs: real ones are a few KiB. */
    public static final long CONFIG_BYTES = 16L << 20;
    /** A weights index (model.safetensors.index.json, pytorch_model.bin.index.json): a line per tensor. */
    public static final long INDEX_BYTES = 64L << 20;

    private BoundedFiles() {}

    /** Thrown when a file is missing, not a regular file, too large, or not UTF-8; the message names it. */
    public static final class FileRefused extends IOException {
        FileRefused(String message) {
            super(message);
        }
    }

    /** Fails with a named error unless {@code file} is a regular file (after links) of at most {@code maxBytes}. */
    public static long requireRegular(Path file, long maxBytes, String what) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new FileRefused(what + " not found: " + file);
        }
        if (!a.isRegularFile()) {
            throw new FileRefused(file + ": not a regular file (a directory, FIFO or device)");
        }
        if (a.size() > maxBytes) {
            throw new FileRefused(file + ": " + a.size() + " bytes, more than the limit of " + maxBytes + " bytes for the " + what);
        }
        return a.size();
    }

    /** The bytes of a regular file of at most {@code maxBytes}. */
    public static byte[] readBytes(Path file, long maxBytes, String what) throws IOException {
        requireRegular(file, maxBytes, what);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new FileRefused(file + ": more than the limit of " + maxBytes + " bytes for the " + what);
            }
            return bytes;
        }
    }

    /** The text of a regular UTF-8 file of at most {@code maxBytes}; bytes that are not UTF-8 are an error. */
    public static String readString(Path file, long maxBytes, String what) throws IOException {
        byte[] bytes = readBytes(file, maxBytes, what);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new FileRefused(file + ": not valid UTF-8");
        }
    }
}
