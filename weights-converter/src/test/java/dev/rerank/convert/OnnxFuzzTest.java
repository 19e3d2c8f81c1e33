package dev.rerank.convert;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rerank.model.ModelConfig;
import dev.rerank.testkit.Fuzz;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random damage to small valid ONNX files: truncation, flipped bytes, huge varints written over
 * lengths and dims, spliced ranges, and the shared harness's byte mutations. Whatever the bytes,
 * the import returns tensors or throws a {@link CheckpointException} naming the file — never
 * another exception, a hang or an out-of-memory error. In memory: the import reads bytes.
 *
 * <p>CI runs {@link Fuzz#INPUTS} inputs (at least 3,000, this test's size before the shared
 * harness); the long run is {@code mvn -B -pl tokenizer,engine,weights-converter test-compile
 * surefire:test@default-test -Dsurefire.failIfNoSpecifiedTests=false -Dtest='OnnxFuzzTest'
 * -Drerank.fuzz.inputs=1000000}.
 */
class OnnxFuzzTest {
    @Test
    void damagedFilesEndInANamedErrorOrAResult() throws IOException {
        ModelConfig config = OnnxBuilder.tinyConfig();
        List<byte[]> seeds = List.of(
            OnnxBuilder.tinyBert(OnnxBuilder.Storage.RAW_F32).build(),
            OnnxBuilder.tinyBert(OnnxBuilder.Storage.FLOAT_DATA).build(),
            OnnxBuilder.tinyBert(OnnxBuilder.Storage.INT32_F16).build());
        int[] calls = new int[1];
        Fuzz f = new Fuzz("onnx", bytes -> {
            try {
                // Every other input with the config, so both the checked and the unchecked import run.
                OnnxImport.tensors(OnnxGraph.parse(bytes, "fuzz.onnx"), calls[0]++ % 2 == 0 ? config : null, "fuzz.onnx");
            } catch (CheckpointException e) {
                if (!e.getMessage().startsWith("fuzz.onnx")) {
                    throw new AssertionError("the error does not name the file: " + e.getMessage(), e);
                }
                throw e;
            }
        }, CheckpointException.class);
        Fuzz.assertClean(f.replay(TestData.file("fuzz-corpus/onnx")));
        SplittableRandom random = new SplittableRandom(Fuzz.SEED);
        Fuzz.Report r = f.run(seeds, Math.max(3_000, Fuzz.INPUTS), Fuzz.SEED,
                (m, ab) -> m.coin() ? mutate(ab[0], random) : m.bytes(ab[0], ab[1]));
        Fuzz.assertClean(r);
        // Both outcomes occur: the mutations are neither all harmless nor all fatal.
        assertTrue(r.accepted() > 0 && r.named() > r.tried() / 4, r.line());
    }

    private static byte[] mutate(byte[] seed, SplittableRandom random) {
        byte[] b = seed.clone();
        switch (random.nextInt(5)) {
            case 0 -> b = Arrays.copyOf(b, random.nextInt(b.length));
            case 1 -> {
                for (int n = 1 + random.nextInt(8); n > 0; n--) {
                    b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 2 -> {
                // A 10-byte varint (up to 2^64 - 1) over whatever was there: lengths, dims, tags.
                byte[] huge = new ProtoWriter().rawVarint(random.nextLong() | (1L << (40 + random.nextInt(23)))).toByteArray();
                int at = random.nextInt(b.length);
                System.arraycopy(huge, 0, b, at, Math.min(huge.length, b.length - at));
            }
            case 3 -> {
                int from = random.nextInt(b.length);
                int len = random.nextInt(Math.min(64, b.length - from) + 1);
                int to = random.nextInt(b.length);
                byte[] out = new byte[b.length + len];
                System.arraycopy(b, 0, out, 0, to);
                System.arraycopy(b, from, out, to, len);
                System.arraycopy(b, to, out, to + len, b.length - to);
                b = out;
            }
            default -> b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        }
        return b;
    }
}
