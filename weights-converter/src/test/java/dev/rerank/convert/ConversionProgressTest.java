package dev.rerank.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rerank.weights.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a conversion tells its {@link ConversionProgress}: bytes read of the sources, then bytes written, each to 100%. */
class ConversionProgressTest {
    @TempDir
    Path out;

    private record Update(ConversionProgress.Step step, long done, long total) {}

    private static final class Recorder implements ConversionProgress {
        final List<Update> updates = new ArrayList<>();

        @Override
        public void update(Step step, long done, long total) {
            updates.add(new Update(step, done, total));
        }

        List<Update> of(Step step) {
            return updates.stream().filter(u -> u.step() == step).toList();
        }
    }

    /**
     * The updates read, then write; within each step {@code done} never falls, the total stays, and
     * the last update is the total; there are at least {@code moves} updates a step, so the bar moves.
     */
    private static void assertWellFormed(Recorder r, long readTotal, Path written, int moves) throws IOException {
        List<Update> read = r.of(ConversionProgress.Step.READING);
        List<Update> write = r.of(ConversionProgress.Step.WRITING);
        assertEquals(read.size() + write.size(), r.updates.size());
        assertEquals(read, r.updates.subList(0, read.size()), "all reading comes before writing");
        assertSteps(read, readTotal, moves);
        assertSteps(write, Files.size(written), moves);
    }

    private static void assertSteps(List<Update> updates, long total, int moves) {
        assertTrue(updates.size() >= moves, updates.size() + " updates");
        long last = -1;
        for (Update u : updates) {
            assertEquals(total, u.total(), "the total is the real size and does not change");
            assertTrue(u.done() >= last && u.done() <= total, u + " after " + last);
            last = u.done();
        }
        assertEquals(total, last, "the step ends at 100%");
    }

    @ParameterizedTest
    @ValueSource(strings = {"models/tiny-roberta-pt/pytorch_model.bin", "models/checkpoints/legacy-format.bin"})
    void pytorchCheckpointReportsBytesReadThenBytesWritten(String checkpoint) throws IOException {
        Path source = TestData.file(checkpoint);
        Recorder r = new Recorder();
        Path written = Converter.convertPyTorch(source, out, r);
        // A zip's storages are read one by one; a legacy file is one read, whole.
        assertWellFormed(r, Files.size(source), written, checkpoint.endsWith("legacy-format.bin") ? 1 : 50);
        assertTrue(r.of(ConversionProgress.Step.WRITING).size() > 100, "a write per tensor (105 of them)");
    }

    @Test
    void shardsCountTogether() throws IOException {
        Path dir = TestData.file("models/checkpoints/sharded");
        long shards = Files.size(dir.resolve("pytorch_model-00001-of-00002.bin")) + Files.size(dir.resolve("pytorch_model-00002-of-00002.bin"));
        Recorder r = new Recorder();
        Path written = Converter.convertPyTorch(dir.resolve("pytorch_model.bin.index.json"), out, r);
        assertWellFormed(r, shards, written, 10);
        long firstShard = Files.size(dir.resolve("pytorch_model-00001-of-00002.bin"));
        assertTrue(r.of(ConversionProgress.Step.READING).stream().anyMatch(u -> u.done() == firstShard),
                "one bar over both shards: the first ends part-way");
    }

    @Test
    void onnxExportReportsTheFileRead() throws IOException {
        Path onnx = TestData.file("models/tiny-bert-onnx/model.onnx");
        Recorder r = new Recorder();
        Path written = Converter.convertOnnx(onnx, out, r);
        assertWellFormed(r, Files.size(onnx), written, 1);
    }

    @Test
    void dtypeChangeReportsTheSafetensorsReadAndTheNewFile() throws IOException {
        Path source = TestData.file("models/tiny-roberta/model.safetensors");
        Recorder r = new Recorder();
        Path target = out.resolve("model.safetensors");
        Converter.convertDtype(source, target, DType.BF16, r);
        assertWellFormed(r, Files.size(source), target, 50);
        assertTrue(Files.size(target) < Files.size(source), "the written total is the bf16 file's, not the source's");
    }

    @Test
    void aMissingShardIsNamedBeforeAnyShardIsRead() throws IOException {
        Path dir = Files.createDirectories(out.resolve("sharded"));
        for (String f : new String[] {"pytorch_model.bin.index.json", "pytorch_model-00001-of-00002.bin"}) {
            Files.copy(TestData.file("models/checkpoints/sharded/" + f), dir.resolve(f));
        }
        Recorder r = new Recorder();
        CheckpointException e = org.junit.jupiter.api.Assertions.assertThrows(CheckpointException.class,
                () -> Converter.convertPyTorch(dir, out.resolve("converted"), r));
        assertTrue(e.getMessage().startsWith("checkpoint not found: ") && e.getMessage().endsWith("pytorch_model-00002-of-00002.bin"),
                e.getMessage());
        assertEquals(List.of(), r.updates, "no bar runs to 100% over the one shard that is there");
    }

    @Test
    void aFailedConversionNeverClaimsToHaveFinished() {
        Recorder r = new Recorder();
        Path corrupt = TestData.file("models/checkpoints/corrupt-truncated.bin");
        try {
            Converter.convertPyTorch(corrupt, out, r);
        } catch (CheckpointException expected) {
            // The message is checked by ConverterTest.
        }
        assertTrue(r.of(ConversionProgress.Step.WRITING).isEmpty(), "nothing was written");
        assertTrue(r.updates.stream().noneMatch(u -> u.done() == u.total() && u.total() > 0), r.updates.toString());
    }
}
