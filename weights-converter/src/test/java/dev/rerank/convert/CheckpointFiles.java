package dev.rerank.convert;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Lays pickles and storages out as torch.save does: the zip format and the legacy format. */
final class CheckpointFiles {
    private CheckpointFiles() {}

    /** A zip checkpoint: archive/data.pkl, archive/byteorder and one archive/data/KEY per storage, all stored. */
    static byte[] zip(byte[] dataPkl, Map<String, byte[]> storages) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            stored(zip, "archive/data.pkl", dataPkl);
            stored(zip, "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            for (Map.Entry<String, byte[]> e : storages.entrySet()) {
                stored(zip, "archive/data/" + e.getKey(), e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    /**
     * A legacy checkpoint: the magic number, protocol version and system info pickles, the state
     * pickle, the list of storage keys, then each storage as an int64 element count and its bytes.
     */
    static byte[] legacy(byte[] statePkl, String key, long count, byte[] storage) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // 0x1950a86a20f9469cfc6c, little-endian.
        out.writeBytes(new PickleWriter().bigInteger(new byte[] {0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20,
                0x6a, (byte) 0xa8, 0x50, 0x19}).stop());
        out.writeBytes(new PickleWriter().integer(1001).stop());
        out.writeBytes(new PickleWriter().emptyDict().str("little_endian").bool(true).setItem().stop());
        out.writeBytes(statePkl);
        out.writeBytes(new PickleWriter().emptyList().str(key).append().stop());
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(count).array());
        out.writeBytes(storage);
        return out.toByteArray();
    }

    /** {@code n} float32 values 7, 8, 9, ... as little-endian bytes. */
    static byte[] floats(int n) {
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat(7 + i);
        }
        return b.array();
    }
}
