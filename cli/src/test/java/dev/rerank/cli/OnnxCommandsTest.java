package dev.rerank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rerank convert / inspect on an ONNX encoder export (testdata/models/tiny-bert-onnx: a torch.onnx-style tiny BertModel). */
class OnnxCommandsTest {
    @TempDir
    Path tmp;
    private CliRunner cli;
    private Path export;

    @BeforeEach
    void setUp() throws IOException {
        cli = new CliRunner(tmp.resolve("cache"));
        export = Files.createDirectories(tmp.resolve("export"));
        for (String f : new String[] {"model.onnx", "config.json"}) {
            Files.copy(TestData.file("models/tiny-bert-onnx/" + f), export.resolve(f));
        }
    }

    private static void assertError(CliRunner.Result r, String expected) {
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains(expected), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line, no stack trace: " + r.err());
    }

    @Test
    void convertWritesSafetensorsIntoOutNeverBesideTheExport() {
        CliRunner.Result r = cli.run("convert", export.resolve("model.onnx").toString(), "--out", tmp.resolve("out").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(tmp.resolve("out/model.safetensors").toString(), r.out().trim());
        assertTrue(Files.exists(tmp.resolve("out/config.json")), "config.json travels along");
        r = cli.run("inspect", tmp.resolve("out/model.safetensors").toString());
        assertTrue(r.out().contains("encoder.layer.1.output.dense.weight") && r.out().contains("37 tensors"), r.out());

        r = cli.run("convert", export.toString(), "--dtype", "f16", "--out", tmp.resolve("f16").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(tmp.resolve("f16/model.safetensors").toString(), r.out().trim());
        assertTrue(cli.run("inspect", tmp.resolve("f16/model.safetensors").toString()).out().contains("F16"));
        assertTrue(!Files.exists(export.resolve("model.safetensors")), "the source directory is never written to");
    }

    @Test
    void inspectListsTheMappedNamesAndShapes() {
        CliRunner.Result r = cli.run("inspect", export.resolve("model.onnx").toString());
        assertEquals(0, r.code(), r.err());
        // The anonymous onnx::MatMul weights come out under their Linear's name, [out, in].
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("encoder.layer.0.intermediate.dense.weight") && l.contains("[12, 8]")),
                r.out());
        assertTrue(!r.out().contains("onnx::") && r.out().contains("37 tensors"), r.out());
    }

    @Test
    void brokenExportsAndMismatchedConfigsAreOneLineErrors() throws IOException {
        Path onnx = export.resolve("model.onnx");
        byte[] bytes = Files.readAllBytes(onnx);
        Files.write(onnx, Arrays.copyOf(bytes, bytes.length - 100));
        assertError(cli.run("convert", onnx.toString(), "--out", tmp.resolve("o1").toString()), "corrupt protobuf");
        Files.write(onnx, bytes);
        Files.writeString(export.resolve("config.json"), Files.readString(export.resolve("config.json"))
                .replace("\"intermediate_size\": 12", "\"intermediate_size\": 16"));
        assertError(cli.run("inspect", onnx.toString()), "the BertModel needs [16, 8]");
        assertError(cli.run("convert", tmp.resolve("missing.onnx").toString(), "--out", tmp.resolve("o2").toString()), "not found");
        assertTrue(!Files.exists(export.resolve("model.safetensors")), "nothing written on failure");
    }
}
