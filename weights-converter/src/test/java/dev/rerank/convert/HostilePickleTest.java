package dev.rerank.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rerank.testkit.Bounded;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pickles built to exhaust time, memory or stack (issue 17, items 1 and 2): each must end in a
 * {@link CheckpointException} within seconds and 64 MiB — on the code before the fix
 * they spun for 2^60 steps, ran out of memory building a message, or overflowed the stack.
 */
class HostilePickleTest {
    private static final long MAX_BYTES = 64L << 20;

    @TempDir
    Path dir;

    /** The pickle as the data.pkl of a zip checkpoint, read as {@code rerank inspect} does. */
    private CheckpointException inspectFails(byte[] pickle) throws IOException {
        Path file = dir.resolve("pytorch_model.bin");
        Files.write(file, CheckpointFiles.zip(pickle, Map.of()));
        return Bounded.assertFails(CheckpointException.class, MAX_BYTES, () -> Converter.inspect(file));
    }

    /** Lists L[0] = [], L[i] = [L[i-1], L[i-1]] in memo slots 0..levels; nothing left on the stack. */
    private static PickleWriter sharedChain(PickleWriter w, int levels) {
        w.emptyList().put(0).pop();
        for (int i = 1; i <= levels; i++) {
            w.emptyList().mark().get(i - 1).get(i - 1).appends().put(i).pop();
        }
        return w;
    }

    /** Found by the fuzz pass: a 5,000-character storage key was quoted whole (twice) in an error message. */
    @Test
    void aHugeStorageKeyIsRefusedWithAShortMessage() throws IOException {
        CheckpointException e = inspectFails(PickleWriter.stateDict("w", "7".repeat(5000), 4, 0, new long[] {4}, new long[] {1}));
        assertTrue(e.getMessage().contains("a storage key of 5000 characters"), e.getMessage());
    }

    @Test
    void aKeyOfSixtySharedNestedListsIsRefusedAtOnce() throws IOException {
        byte[] pickle = sharedChain(new PickleWriter().emptyDict(), 60).get(60).integer(1).setItem().stop();
        assertTrue(pickle.length < 1600, "the 1.5 KB file of the report");
        CheckpointException e = inspectFails(pickle);
        assertTrue(e.getMessage().contains("unhashable type: 'list'"), e.getMessage());
    }

    @Test
    void fortySharedLevelsInAnErrorMessageArePrintedShort() throws IOException {
        // As a persistent id and as a tensor size: both end up in an error message.
        CheckpointException e = inspectFails(sharedChain(new PickleWriter(), 40).get(40).persistentId().stop());
        assertTrue(e.getMessage().contains("unexpected persistent id [[[["), e.getMessage());
        byte[] asSize = sharedChain(new PickleWriter().emptyDict().str("w"), 40)
                .global("torch._utils", "_rebuild_tensor_v2").mark()
                .mark().str("storage").global("torch", "FloatStorage").str("0").str("cpu").integer(1).tuple().persistentId()
                .integer(0).mark().get(40).tuple().mark().integer(1).tuple().tuple().reduce().setItem().stop();
        e = inspectFails(asSize);
        assertTrue(e.getMessage().contains("expected an integer, found [["), e.getMessage());
    }

    @Test
    void aListContainingItselfAsAKeyIsUnhashable() throws IOException {
        byte[] pickle = new PickleWriter().emptyDict().emptyList().put(0).get(0).append().integer(1).setItem().stop();
        assertTrue(inspectFails(pickle).getMessage().contains("unhashable type: 'list'"));
    }

    @Test
    void twoListsHoldingEachOtherAsAPersistentIdArePrintedShort() throws IOException {
        // A = [B], B = [A]
        byte[] pickle = new PickleWriter().emptyList().put(0).emptyList().put(1).get(0).append().pop()
                .get(1).append().persistentId().stop();
        CheckpointException e = inspectFails(pickle);
        assertTrue(e.getMessage().contains("unexpected persistent id [[[["), e.getMessage());
    }

    private static PickleWriter nested(PickleWriter w, int depth) {
        for (int i = 0; i < depth; i++) {
            w.emptyList();
        }
        for (int i = 1; i < depth; i++) {
            w.append();
        }
        return w;
    }

    @Test
    void twoHundredThousandNestedListsNeitherOverflowNorHang() throws IOException {
        CheckpointException e = inspectFails(nested(new PickleWriter().emptyDict(), 200_000).integer(1).setItem().stop());
        assertTrue(e.getMessage().contains("unhashable type: 'list'"), e.getMessage());
        e = inspectFails(nested(new PickleWriter(), 200_000).persistentId().stop());
        assertTrue(e.getMessage().contains("unexpected persistent id"), e.getMessage());
    }

    @Test
    void tupleKeysOfScalarsWorkButHugeOnesAreRefused() throws IOException {
        // A small tuple key is fine (Python allows it): the state dict then simply has no tensors.
        Path file = dir.resolve("tuple-key.bin");
        Files.write(file, CheckpointFiles.zip(new PickleWriter().emptyDict().mark().str("a").integer(1).tuple()
                .integer(2).setItem().stop(), Map.of()));
        assertEquals(0, Converter.inspect(file).size());
        PickleWriter big = new PickleWriter().emptyDict().mark();
        for (int i = 0; i <= PickleValues.MAX_KEY_ITEMS; i++) {
            big.integer(i);
        }
        assertTrue(inspectFails(big.tuple().integer(2).setItem().stop()).getMessage().contains("more than 256 items"));
    }

    @Test
    void aMillionValuesAreTheLimit() throws IOException {
        PickleWriter w = new PickleWriter();
        for (int i = 0; i <= Pickle.MAX_VALUES; i++) {
            w.none();
        }
        assertTrue(inspectFails(w.stop()).getMessage().contains("more than 1000000 values"));
    }

    @Test
    void hugeIntegersAreRefusedBeforeQuadraticParsing() throws IOException {
        byte[] digits = ("L" + "9".repeat(1_000_000) + "L\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] pickle = new byte[digits.length + 3];
        pickle[0] = (byte) 0x80;
        pickle[1] = 2;
        System.arraycopy(digits, 0, pickle, 2, digits.length);
        pickle[pickle.length - 1] = '.';
        assertTrue(inspectFails(pickle).getMessage().contains("an integer of 1000001 digits"));
    }
}
