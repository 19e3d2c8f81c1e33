package dev.rerank.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rerank.testkit.Bounded;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints whose numbers lie (issue 17, items 2, 3 and 9): tensor views outside their storage,
 * absurd element counts, zip entries that inflate past what they declare, a FIFO in place of the
 * file. Each is a {@link CheckpointException} in bounded time and memory — before the fix they
 * converted to wrong numbers, threw NegativeArraySize / ArrayIndexOutOfBounds, ran out of memory
 * or blocked forever.
 */
class HostileCheckpointTest {
    private static final long MAX_BYTES = 16L << 20;

    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    /** A zip checkpoint of one F32 tensor "w" viewing storage "0" (announced as {@code numel} elements). */
    private Path zipView(long numel, long offset, long[] size, long[] stride, byte[] storage) throws IOException {
        return write("view.bin", CheckpointFiles.zip(PickleWriter.stateDict("w", numel, offset, size, stride), Map.of("0", storage)));
    }

    private static CheckpointException fails(Path file) {
        return Bounded.assertFails(CheckpointException.class, MAX_BYTES, () -> TorchCheckpoint.read(file));
    }

    private static float[] values(Tensor t) {
        float[] out = new float[t.data().length / 4];
        ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    @Test
    void viewsInsideTheStorageCopyTheRightElements() throws IOException {
        List<Tensor> t = TorchCheckpoint.read(zipView(3, 1, new long[] {2}, new long[] {1}, CheckpointFiles.floats(3)));
        assertArrayEquals(new float[] {8, 9}, values(t.get(0)));
        // Stride 0 (an expanded tensor) is legal: one element repeated.
        t = TorchCheckpoint.read(zipView(1, 0, new long[] {3}, new long[] {0}, CheckpointFiles.floats(1)));
        assertArrayEquals(new float[] {7, 7, 7}, values(t.get(0)));
        // A transposed 2x3 view of a 3x2 storage.
        t = TorchCheckpoint.read(zipView(6, 0, new long[] {2, 3}, new long[] {1, 2}, CheckpointFiles.floats(6)));
        assertArrayEquals(new float[] {7, 9, 11, 8, 10, 12}, values(t.get(0)));
    }

    @Test
    void aStrideThatWrapsAroundIsOutOfRangeNotSilentlyWrong() throws IOException {
        // Size 2, stride 2^62 over one element: the old unchecked arithmetic read element 0 twice.
        CheckpointException e = fails(zipView(1, 0, new long[] {2}, new long[] {1L << 62}, CheckpointFiles.floats(1)));
        assertTrue(e.getMessage().contains("reaches element 4611686018427387904 of storage 0, which has 1 elements"), e.getMessage());
    }

    @Test
    void aStrideOfLongMaxIsAnErrorNotAnIndexException() throws IOException {
        assertTrue(fails(zipView(1, 0, new long[] {2}, new long[] {Long.MAX_VALUE}, CheckpointFiles.floats(1)))
                .getMessage().contains("reaches element 9223372036854775807"));
        assertTrue(fails(zipView(1, 0, new long[] {3}, new long[] {Long.MAX_VALUE}, CheckpointFiles.floats(1)))
                .getMessage().contains("overflow 64 bits"));
        assertTrue(fails(zipView(1, 0, new long[] {2}, new long[] {1, 1}, CheckpointFiles.floats(1)))
                .getMessage().contains("1 sizes but 2 strides"));
        assertTrue(fails(zipView(1, -1, new long[] {1}, new long[] {1}, CheckpointFiles.floats(1)))
                .getMessage().contains("negative storage offset"));
    }

    @Test
    void aLegacyElementCountNearLongMaxIsAnError() throws IOException {
        byte[] state = PickleWriter.stateDict("w", 1, 0, new long[] {1}, new long[] {1});
        Path file = write("legacy.bin", CheckpointFiles.legacy(state, "0", 0x3FFFFFFFFFFFFFFFL, CheckpointFiles.floats(1)));
        assertTrue(fails(file).getMessage().contains("holds 4611686018427387903 elements but 1 were announced"));
        // Announced that large as well: refused as over 2 GiB, before any allocation.
        state = PickleWriter.stateDict("w", 0x3FFFFFFFFFFFFFFFL, 0, new long[] {1}, new long[] {1});
        file = write("legacy2.bin", CheckpointFiles.legacy(state, "0", 0x3FFFFFFFFFFFFFFFL, CheckpointFiles.floats(1)));
        assertTrue(fails(file).getMessage().contains("over 2 GiB"));
        // And the well-formed file reads.
        file = write("legacy3.bin", CheckpointFiles.legacy(state = PickleWriter.stateDict("w", 2, 1, new long[] {1},
                new long[] {1}), "0", 2, CheckpointFiles.floats(2)));
        assertArrayEquals(new float[] {8}, values(TorchCheckpoint.read(file).get(0)));
    }

    @Test
    void aTensorNamedLikeTheMetadataIsRefused() throws IOException {
        Path file = write("pytorch_model.bin", CheckpointFiles.zip(PickleWriter.stateDict("__metadata__", 1, 0, new long[] {1},
                new long[] {1}), Map.of("0", CheckpointFiles.floats(1))));
        Path out = Files.createDirectory(dir.resolve("out"));
        assertTrue(Bounded.assertFails(CheckpointException.class, MAX_BYTES, () -> Converter.convertPyTorch(file, out))
                .getMessage().contains("a tensor is named __metadata__"));
    }

    @Test
    void aTinyFileCannotExpandToAGigabyte() throws IOException {
        // Stride 0 repeating one element 2^28 times: 1 GiB of output from a few hundred bytes.
        CheckpointException e = fails(zipView(1, 0, new long[] {1 << 28}, new long[] {0}, CheckpointFiles.floats(1)));
        assertTrue(e.getMessage().contains("may unpack to"), e.getMessage());
    }

    /**
     * A zip whose entry {@code bombed} holds {@code inflated} zero bytes, deflated, but whose
     * directory declares {@code declared}; with {@code dataPkl} (if not null) as archive/data.pkl.
     */
    private static byte[] zipBomb(byte[] dataPkl, String bombed, int inflated, int declared) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            if (dataPkl != null) {
                zip.putNextEntry(new ZipEntry("archive/data.pkl"));
                zip.write(dataPkl);
            }
            zip.putNextEntry(new ZipEntry(bombed));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < inflated; i += zeros.length) {
                zip.write(zeros, 0, Math.min(zeros.length, inflated - i));
            }
            zip.closeEntry();
        }
        byte[] zip = bytes.toByteArray();
        // Rewrite the central directory's uncompressed size (offset 24) of that entry: it is what readers trust.
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        byte[] name = bombed.getBytes(StandardCharsets.UTF_8);
        for (int at = 0; at + 46 + name.length <= zip.length; at++) {
            if (b.getInt(at) == 0x02014b50 && b.getShort(at + 28) == name.length
                    && java.util.Arrays.equals(zip, at + 46, at + 46 + name.length, name, 0, name.length)) {
                b.putInt(at + 24, declared);
                return zip;
            }
        }
        throw new AssertionError("central directory entry not found");
    }

    @Test
    void aZipEntryInflatingPastItsDeclaredSizeStopsThere() throws IOException {
        byte[] pickle = PickleWriter.stateDict("w", 4, 0, new long[] {4}, new long[] {1});
        // The storage declares the 16 bytes the pickle announces but inflates to 64 MiB.
        Path file = write("bomb.bin", zipBomb(pickle, "archive/data/0", 64 << 20, 16));
        assertTrue(fails(file).getMessage().contains("archive/data/0 inflates to more than the 16 bytes it declares"));
        // The same with data.pkl itself as the bomb.
        file = write("bomb2.bin", zipBomb(null, "archive/data.pkl", 64 << 20, 16));
        assertTrue(fails(file).getMessage().contains("archive/data.pkl inflates to more than the 16 bytes"));
    }

    @Test
    void aFifoInPlaceOfTheCheckpointIsRefusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("pytorch_model.bin");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(p.waitFor() == 0, "mkfifo is not available");
        Path out = Files.createDirectory(dir.resolve("out"));
        for (Path input : new Path[] {fifo, dir}) { // the file itself, and the model directory holding it
            CheckpointException e = Bounded.assertFails(CheckpointException.class, MAX_BYTES,
                    () -> Converter.convertPyTorch(input, out));
            assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
        }
        assertEquals(0, Bounded.assertFails(CheckpointException.class, MAX_BYTES, () -> Converter.inspect(fifo))
                .getMessage().indexOf(fifo.toString()));
    }
}
