package dev.rerank.weights;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import dev.rerank.io.StrictJson;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One {@code .safetensors} file, memory-mapped: an 8-byte little-endian header length, a JSON
 * header naming each tensor's dtype, shape and byte range, then the raw data.
 *
 * <p>Everything the header claims is checked before any tensor is read — the header length
 * against the file, each byte range against dtype × shape and against the data area, and no two
 * ranges overlapping — so a corrupt or hostile file is an error, never a wild read.
 */
public final class Safetensors implements WeightSource {
    /** Headers of real checkpoints are kilobytes; anything past this is a corrupt length field. */
    private static final long MAX_HEADER_BYTES = 100L << 20;
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,19}");
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private record Entry(TensorInfo info, long begin, long end) {}

    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private Safetensors(Path path, Arena arena, MemorySegment data, Map<String, Entry> entries,
                        Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.data = data;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Maps and validates a safetensors file. */
    public static Safetensors open(Path path) {
        requireRegularFile(path, "weights file");
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw bad(path, "file is " + size + " bytes, too short for the 8-byte header length");
            }
            MemorySegment file = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long headerLength = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
                throw bad(path, "header length field says " + Long.toUnsignedString(headerLength)
                        + " bytes but the file has " + (size - 8) + " after it (truncated or not a safetensors file)");
            }
            byte[] headerBytes = file.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
            MemorySegment data = file.asSlice(8 + headerLength);
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, Entry> entries = parseHeader(path, new String(headerBytes, StandardCharsets.UTF_8),
                    data.byteSize(), metadata);
            return new Safetensors(path, arena, data, entries, metadata);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new WeightsException("weights file not found: " + path);
        } catch (IOException e) {
            arena.close();
            throw new WeightsException("cannot read " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Fails unless {@code path} is a regular file: opening a FIFO blocks until some writer comes,
     * and a device can be endless, so neither is ever opened.
     */
    static void requireRegularFile(Path path, String what) {
        if (!Files.isRegularFile(path)) {
            throw new WeightsException(Files.exists(path) ? path + ": not a regular file (a directory, FIFO or device)"
                    : what + " not found: " + path);
        }
    }

    private static Map<String, Entry> parseHeader(Path path, String text, long dataSize, Map<String, String> metadata) {
        JsonObject header;
        try {
            JsonElement json = StrictJson.parse(text);
            if (!json.isJsonObject()) {
                throw bad(path, "header is not a JSON object");
            }
            header = json.getAsJsonObject();
        } catch (JsonParseException e) {
            throw bad(path, "header is not valid JSON");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                if (e.getValue().isJsonObject()) {
                    e.getValue().getAsJsonObject().entrySet().forEach(m ->
                            metadata.put(m.getKey(), m.getValue().isJsonPrimitive() ? m.getValue().getAsString() : m.getValue().toString()));
                }
                continue;
            }
            entries.put(name, parseEntry(path, name, e.getValue(), dataSize));
        }
        List<Entry> byOffset = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.end > e.begin) { // a tensor with no elements holds no bytes, so it overlaps nothing
                byOffset.add(e);
            }
        }
        byOffset.sort((x, y) -> Long.compare(x.begin, y.begin));
        for (int i = 1; i < byOffset.size(); i++) {
            Entry before = byOffset.get(i - 1);
            Entry after = byOffset.get(i);
            if (after.begin < before.end) {
                throw bad(path, "tensors " + clip(before.info.name()) + " and " + clip(after.info.name()) + " overlap (bytes "
                        + before.begin + ".." + before.end + " and " + after.begin + ".." + after.end + ")");
            }
        }
        return Collections.unmodifiableMap(entries);
    }

    private static Entry parseEntry(Path path, String name, JsonElement json, long dataSize) {
        try {
            JsonObject o = json.getAsJsonObject();
            if (!(o.get("dtype") instanceof JsonPrimitive dtypeJson) || !dtypeJson.isString()) {
                throw bad(path, "tensor " + clip(name) + " has a malformed header entry: no dtype string");
            }
            String dtypeName = dtypeJson.getAsString();
            DType dtype = DType.parse(dtypeName);
            if (dtype == null) {
                throw bad(path, "tensor " + clip(name) + " has unknown dtype " + clip(dtypeName));
            }
            JsonArray shapeJson = o.getAsJsonArray("shape");
            long[] shape = new long[shapeJson.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = integer(path, name, "shape", shapeJson.get(i));
                if (shape[i] < 0) {
                    throw bad(path, "tensor " + clip(name) + " has a negative dimension");
                }
            }
            JsonArray offsets = o.getAsJsonArray("data_offsets");
            if (offsets.size() != 2) {
                throw bad(path, "tensor " + clip(name) + " has " + offsets.size() + " data_offsets, not 2");
            }
            long begin = integer(path, name, "data_offsets", offsets.get(0));
            long end = integer(path, name, "data_offsets", offsets.get(1));
            TensorInfo info = new TensorInfo(name, dtype, shape);
            long expected;
            try {
                expected = Math.multiplyExact(info.elementCount(), dtype.bytes);
            } catch (ArithmeticException ex) {
                throw bad(path, "tensor " + clip(name) + " has an absurd shape " + clip(info.shapeText()));
            }
            if (begin < 0 || end < begin || end > dataSize) {
                throw bad(path, "tensor " + clip(name) + " claims bytes " + begin + ".." + end
                        + " but the data area has " + dataSize + " bytes (truncated file?)");
            }
            if (end - begin != expected) {
                throw bad(path, "tensor " + clip(name) + " is " + dtype + " " + info.shapeText() + " = " + expected
                        + " bytes, but its range holds " + (end - begin));
            }
            return new Entry(info, begin, end);
        } catch (WeightsException e) {
            throw e;
        } catch (RuntimeException e) {
            throw bad(path, "tensor " + clip(name) + " has a malformed header entry: " + clip(json.toString()));
        }
    }

    /**
     * A JSON integer literal, exactly: {@code 1.9}, {@code "2"}, {@code 4.0} or {@code 1e400} are
     * errors, not 1, 2, 4 or Long.MAX_VALUE (as the reference implementation's usize fields).
     */
    private static long integer(Path path, String name, String field, JsonElement json) {
        if (json instanceof JsonPrimitive p && p.isNumber() && INTEGER.matcher(p.getAsString()).matches()) {
            try {
                return Long.parseLong(p.getAsString());
            } catch (NumberFormatException e) {
                // past 64 bits: the error below
            }
        }
        throw bad(path, "tensor " + clip(name) + " has " + field + " " + clip(json.toString()) + ", which is not a 64-bit integer");
    }

    /** Text from the file, cut to a length fit for an error message. */
    static String clip(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "…";
    }

    private static WeightsException bad(Path path, String what) {
        return new WeightsException(path + ": " + what);
    }

    @Override
    public TensorInfo info(String name) {
        Entry e = entries.get(name);
        return e == null ? null : e.info;
    }

    @Override
    public Set<String> names() {
        return entries.keySet();
    }

    /** The free-form {@code __metadata__} strings. */
    public Map<String, String> metadata() {
        return metadata;
    }

    public Path path() {
        return path;
    }

    /** The raw stored bytes of one tensor (a view into the mapping, valid until close). */
    public MemorySegment bytes(String name) {
        Entry e = require(name);
        return data.asSlice(e.begin, e.end - e.begin);
    }

    @Override
    public void read(String name, long from, float[] dst, int dstOffset, int count) {
        Entry e = require(name);
        if (from < 0 || count < 0 || from + count > e.info.elementCount()) {
            throw new IndexOutOfBoundsException("elements " + from + ".." + (from + count) + " of " + name);
        }
        long base = e.begin + from * e.info.dtype().bytes;
        switch (e.info.dtype()) {
            case F32 -> MemorySegment.copy(data, F32, base, dst, dstOffset, count);
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    dst[dstOffset + i] = Float.float16ToFloat(data.get(U16, base + 2L * i));
                }
            }
            case BF16 -> {
                // bfloat16 is the top half of a float32: widening is exact.
                for (int i = 0; i < count; i++) {
                    dst[dstOffset + i] = Float.intBitsToFloat(data.get(U16, base + 2L * i) << 16);
                }
            }
            default -> throw new WeightsException(path + ": tensor " + name + " has dtype " + e.info.dtype()
                    + "; the engine reads only F32, F16 and BF16");
        }
    }

    @Override
    public void readHalves(String name, long from, short[] dst, int dstOffset, int count) {
        Entry e = require(name);
        if (e.info.dtype() != DType.F16 && e.info.dtype() != DType.BF16) {
            throw new WeightsException(path + ": tensor " + name + " is " + e.info.dtype() + ", not a 16-bit float");
        }
        if (from < 0 || count < 0 || from + count > e.info.elementCount()) {
            throw new IndexOutOfBoundsException("elements " + from + ".." + (from + count) + " of " + name);
        }
        MemorySegment.copy(data, U16, e.begin + 2 * from, dst, dstOffset, count);
    }

    private Entry require(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new WeightsException(path + ": no tensor named " + name);
        }
        return e;
    }

    @Override
    public String description() {
        return path.toString();
    }

    @Override
    public void close() {
        arena.close();
    }
}
