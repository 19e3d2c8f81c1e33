package dev.rerank.convert;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rerank.model.ModelConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random damage to small valid ONNX files: truncation, flipped bytes, huge varints written over
 * lengths and dims, spliced ranges. Whatever the bytes, the import returns tensors or throws a
 * {@link CheckpointException} — never another exception, a hang or an out-of-memory error.
 */
class OnnxFuzzTest {
    private static final int CASES = 3_000;

    @Test
    void damagedFilesEndInANamedErrorOrAResult() {
        ModelConfig config = OnnxBuilder.tinyConfig();
        byte[][] seeds = {
            OnnxBuilder.tinyBert(OnnxBuilder.Storage.RAW_F32).build(),
            OnnxBuilder.tinyBert(OnnxBuilder.Storage.FLOAT_DATA).build(),
            OnnxBuilder.tinyBert(OnnxBuilder.Storage.INT32_F16).build(),
        };
        int[] outcomes = new int[2];
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            SplittableRandom random = new SplittableRandom(20_240_611);
            for (int i = 0; i < CASES; i++) {
                byte[] bytes = mutate(seeds[i % seeds.length], random);
                try {
                    OnnxImport.tensors(OnnxGraph.parse(bytes, "fuzz.onnx"), i % 2 == 0 ? config : null, "fuzz.onnx");
                    outcomes[0]++;
                } catch (CheckpointException expected) {
                    assertTrue(expected.getMessage().startsWith("fuzz.onnx"), expected.getMessage());
                    outcomes[1]++;
                } catch (Throwable t) {
                    fail("case " + i + " (" + bytes.length + " bytes): " + t, t);
                }
            }
        });
        // Both outcomes occur: the mutations are neither all harmless nor all fatal.
        assertTrue(outcomes[0] > 0 && outcomes[1] > CASES / 4, Arrays.toString(outcomes));
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
