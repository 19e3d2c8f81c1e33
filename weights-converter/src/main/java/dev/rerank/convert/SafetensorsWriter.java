package dev.rerank.convert;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes a {@code .safetensors} file atomically: everything goes to a temporary file beside the
 * target, which is renamed over it only once complete, so a crash never leaves a half-written
 * file under the real name.
 */
final class SafetensorsWriter {
    /** Tensor data goes out in slices this large, so the progress count moves within the word embeddings too. */
    private static final int SLICE = 8 << 20;

    private SafetensorsWriter() {}

    static void write(Path target, List<Tensor> tensors) {
        write(target, tensors, ConversionProgress.NONE);
    }

    /** Writes the file, telling {@code progress} the bytes written ({@link ConversionProgress.Step#WRITING}). */
    static void write(Path target, List<Tensor> tensors, ConversionProgress progress) {
        JsonObject header = new JsonObject();
        JsonObject meta = new JsonObject();
        meta.addProperty("format", "pt");
        header.add("__metadata__", meta);
        long offset = 0;
        for (Tensor t : tensors) {
            if (t.name().equals("__metadata__")) {
                // The format reserves the name: written, the tensor would silently turn into metadata.
                throw new CheckpointException("cannot write " + target + ": a tensor is named __metadata__, which safetensors reserves");
            }
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", t.dtype().name());
            JsonArray shape = new JsonArray();
            for (long d : t.shape()) {
                shape.add(d);
            }
            entry.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(offset + t.data().length);
            entry.add("data_offsets", offsets);
            header.add(t.name(), entry);
            offset += t.data().length;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        // Pad the header with spaces to a multiple of 8 so the data area starts aligned.
        int padded = (json.length + 7) / 8 * 8;
        long total = 8 + padded + offset;
        Path dir = target.toAbsolutePath().getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, "." + target.getFileName(), ".partial");
            try (OutputStream out = Files.newOutputStream(temp)) {
                out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
                out.write(json);
                out.write(" ".repeat(padded - json.length).getBytes(StandardCharsets.US_ASCII));
                long written = 8 + padded;
                progress.update(ConversionProgress.Step.WRITING, written, total);
                for (Tensor t : tensors) {
                    byte[] data = t.data();
                    for (int at = 0; at < data.length; at += SLICE) {
                        int n = Math.min(SLICE, data.length - at);
                        out.write(data, at, n);
                        written += n;
                        progress.update(ConversionProgress.Step.WRITING, written, total);
                    }
                }
            }
            try {
                // Temp files are created private; the model file should read like any other.
                Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException notPosix) {
                // Keep the platform's default.
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new CheckpointException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // The rename happened, or the temp file is gone already.
                }
            }
        }
    }
}
