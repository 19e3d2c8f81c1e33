package dev.rerank.testkit;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/** A copy of a model directory whose weights hold a NaN: the model then computes NaN. */
public final class NanWeights {
    private NanWeights() {}

    /** Copies {@code model} (recursively) into {@code into} and sets the first value of F32 tensor {@code tensor} to NaN. */
    public static Path copy(Path model, Path into, String tensor) throws IOException {
        try (Stream<Path> files = Files.walk(model)) {
            for (Path f : files.toList()) {
                Path target = into.resolve(model.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
        try (FileChannel ch = FileChannel.open(into.resolve("model.safetensors"), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer size = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(size, 0);
            int headerLength = (int) size.getLong(0);
            ByteBuffer header = ByteBuffer.allocate(headerLength);
            ch.read(header, 8);
            JsonObject info = JsonParser.parseString(new String(header.array(), StandardCharsets.UTF_8)).getAsJsonObject()
                    .getAsJsonObject(tensor);
            long offset = 8 + headerLength + info.getAsJsonArray("data_offsets").get(0).getAsLong();
            ch.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, Float.NaN), offset);
        }
        return into;
    }
}
