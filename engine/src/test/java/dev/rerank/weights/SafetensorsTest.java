package dev.rerank.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rerank.TestData;
import dev.rerank.model.ModelConfig;
import dev.rerank.model.ParameterTable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    /** A file with the given header JSON and data bytes. */
    private Path file(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        for (int i = 0; i < dataBytes / 4; i++) {
            b.putFloat(i);
        }
        Path p = dir.resolve("model-" + System.nanoTime() + ".safetensors");
        Files.write(p, b.array());
        return p;
    }

    private static void assertError(Path p, String expected) {
        WeightsException e = assertThrows(WeightsException.class, () -> Safetensors.open(p).close());
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
        assertTrue(e.getMessage().contains(p.getFileName().toString()), "the message names the file");
    }

    @Test
    void readsTensorsAndMetadata() throws IOException {
        Path p = file("{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[16,20]}}", 20);
        try (Safetensors st = Safetensors.open(p)) {
            float[] a = new float[4];
            st.read("a", 0, a, 0, 4);
            assertArrayEquals(new float[] {0, 1, 2, 3}, a);
            float[] b = new float[1];
            st.read("b", 0, b, 0, 1);
            assertEquals(4f, b[0]);
            assertEquals("pt", st.metadata().get("format"));
            assertArrayEquals(new long[] {2, 2}, st.info("a").shape());
        }
    }

    @Test
    void halfPrecisionFilesReadAsTheirFloat32Values() {
        try (Safetensors f32 = Safetensors.open(TestData.file("models/tiny-roberta/model.safetensors"));
             Safetensors bf16 = Safetensors.open(TestData.file("models/tiny-roberta-bfloat16/model.safetensors"));
             Safetensors f16 = Safetensors.open(TestData.file("models/tiny-roberta-float16/model.safetensors"))) {
            String name = "roberta.encoder.layer.0.intermediate.dense.weight";
            int n = (int) f32.info(name).elementCount();
            float[] full = new float[n];
            float[] b = new float[n];
            float[] h = new float[n];
            f32.read(name, 0, full, 0, n);
            bf16.read(name, 0, b, 0, n);
            f16.read(name, 0, h, 0, n);
            for (int i = 0; i < n; i++) {
                assertEquals(full[i], b[i], Math.abs(full[i]) / 128, "bf16 keeps 8 bits of mantissa");
                assertEquals(full[i], h[i], Math.abs(full[i]) / 1024 + 1e-7, "f16 keeps 11 bits");
                assertEquals(Float.floatToFloat16(full[i]), Float.floatToFloat16(h[i]), "f16 is the nearest half");
            }
        }
    }

    @Test
    void truncatedFile() throws IOException {
        Path whole = TestData.file("models/tiny-roberta/model.safetensors");
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertError(cut, "truncated");
        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertError(tiny, "too short");
    }

    @Test
    void absurdHeaderLength() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(1L << 40);
        Path p = dir.resolve("huge-header.safetensors");
        Files.write(p, b.array());
        assertError(p, "header length field says 1099511627776 bytes");
    }

    @Test
    void overlappingRanges() throws IOException {
        assertError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "overlap");
    }

    @Test
    void aTensorWithNoElementsOverlapsNothing() throws IOException {
        // A zero-length range inside another tensor's bytes was reported as an "overlap" (issue 28).
        Path p = file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"empty\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]}}", 8);
        try (Safetensors s = Safetensors.open(p)) {
            assertEquals(0, s.info("empty").elementCount());
            assertEquals(2, s.info("a").elementCount());
        }
    }

    @Test
    void rangeDisagreeingWithShape() throws IOException {
        assertError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "F32 [3] = 12 bytes");
        assertError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4), "data area has 4 bytes");
        assertError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904, 4],\"data_offsets\":[0,8]}}", 8), "absurd shape");
    }

    @Test
    void malformedHeaders() throws IOException {
        assertError(file("{not json", 0), "not valid JSON");
        assertError(file("{\"a\":{\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "unknown dtype Q7");
        assertError(file("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "malformed header entry");
    }

    @Test
    void headerNumbersAreExactIntegersAndDtypesStrings() throws IOException {
        // Gson's getAsLong would read 1.9 as 1, "1" as 1 and 1e400 as Long.MAX_VALUE.
        for (String shape : new String[] {"[1.9]", "[\"1\"]", "[1e400]", "[1.0]", "[99999999999999999999]", "[[1]]"}) {
            assertError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":" + shape + ",\"data_offsets\":[0,4]}}", 4),
                    "which is not a 64-bit integer");
        }
        assertError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4.0]}}", 4), "not a 64-bit integer");
        assertError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 4), "3 data_offsets");
        assertError(file("{\"a\":{\"dtype\":[\"F32\"],\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "no dtype string");
    }

    @Test
    void aFifoInPlaceOfTheWeightsIsRefusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("model.safetensors");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo is not available");
        // Opening a FIFO blocks until a writer comes: the old code never returned.
        WeightsException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(WeightsException.class, () -> ModelWeights.open(dir)));
        assertTrue(e.getMessage().contains("model.safetensors: not a regular file"), e.getMessage());
        Files.delete(fifo);
        Path index = dir.resolve("model.safetensors.index.json");
        assumeTrue(new ProcessBuilder("mkfifo", index.toString()).start().waitFor() == 0);
        e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(WeightsException.class, () -> ModelWeights.open(dir)));
        assertTrue(e.getMessage().contains("index.json: not a regular file"), e.getMessage());
    }

    @Test
    void unsupportedDtypeIsNamedWhenRead() throws IOException {
        Path p = file("{\"ids\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8);
        try (Safetensors st = Safetensors.open(p)) {
            WeightsException e = assertThrows(WeightsException.class, () -> st.read("ids", 0, new float[1], 0, 1));
            assertTrue(e.getMessage().contains("ids has dtype I64"), e.getMessage());
        }
    }

    @Test
    void syntheticTinyEqualsTheFileTransformersWrote() {
        // testdata's tiny model was generated from the synthetic formula with salt "tiny".
        ModelConfig config = ModelConfig.load(TestData.file("models/tiny-roberta/config.json"));
        try (Safetensors file = Safetensors.open(TestData.file("models/tiny-roberta/model.safetensors"));
             SyntheticWeights synthetic = ParameterTable.of(config).synthetic("tiny")) {
            for (String name : synthetic.names()) {
                int n = (int) synthetic.info(name).elementCount();
                float[] a = new float[n];
                float[] b = new float[n];
                file.read(name, 0, a, 0, n);
                synthetic.read(name, 0, b, 0, n);
                assertArrayEquals(a, b, name);
            }
        }
    }

    @Test
    void missingWeights() throws IOException {
        WeightsException e = assertThrows(WeightsException.class, () -> ModelWeights.open(dir));
        assertTrue(e.getMessage().contains("no weights in"), e.getMessage());
        Files.writeString(dir.resolve("pytorch_model.bin"), "x");
        e = assertThrows(WeightsException.class, () -> ModelWeights.open(dir));
        assertTrue(e.getMessage().contains("only PyTorch weights"), e.getMessage());
    }

    @Test
    void shardedCheckpoint() throws IOException {
        Path a = file("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
        Path b = file("{\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(index, "{\"weight_map\":{\"x\":\"" + a.getFileName() + "\",\"y\":\"" + b.getFileName() + "\"}}");
        try (WeightSource s = ModelWeights.open(dir)) {
            float[] x = new float[2];
            s.read("x", 0, x, 0, 2);
            assertArrayEquals(new float[] {0, 1}, x);
            assertEquals(2, s.names().size());
        }
        Files.writeString(index, "{\"weight_map\":{\"z\":\"" + a.getFileName() + "\"}}");
        WeightsException e = assertThrows(WeightsException.class, () -> ModelWeights.open(dir));
        assertTrue(e.getMessage().contains("tensor z is mapped to"), e.getMessage());
        // An object where a file name belongs was an UnsupportedOperationException.
        Files.writeString(index, "{\"weight_map\":{\"x\":{}}}");
        e = assertThrows(WeightsException.class, () -> ModelWeights.open(dir));
        assertTrue(e.getMessage().contains("weight_map value for x is not a file name string"), e.getMessage());
        for (String bad : new String[] {"", "../x", "a/b", ".hidden", "nul\\u0000.safetensors"}) {
            Files.writeString(index, "{\"weight_map\":{\"x\":\"" + bad + "\"}}");
            e = assertThrows(WeightsException.class, () -> ModelWeights.open(dir));
            assertTrue(e.getMessage().contains("must be a plain file name"), e.getMessage());
        }
    }
}
