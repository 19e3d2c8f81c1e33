package dev.rerank.convert;

import dev.rerank.testkit.Fuzz;
import dev.rerank.testkit.FuzzDir;
import dev.rerank.weights.DType;
import dev.rerank.weights.Safetensors;
import dev.rerank.weights.ShardedSafetensors;
import dev.rerank.weights.WeightsException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fuzz pass over every parser of untrusted weight files (issue 17): the pickle reader, the
 * zip and legacy checkpoint containers, the PyTorch shard index, the safetensors header and the
 * safetensors shard index. Each test replays the saved corpus, then mutates its seeds.
 *
 * <p>CI runs {@link Fuzz#INPUTS} inputs per parser (about 50 s in all on a busy 2-core machine).
 * The long run (the README's developer notes): {@code mvn -B -pl tokenizer,engine,weights-converter test-compile
 * surefire:test@default-test -Dsurefire.failIfNoSpecifiedTests=false -Dtest='FuzzTest#pickle'
 * -Drerank.fuzz.inputs=1000000} (likewise {@code zipContainer}, {@code legacyContainer},
 * {@code pytorchShardIndex}, {@code safetensorsHeader}, {@code safetensorsShardIndex}). Each test
 * prints its totals; failures land in {@code weights-converter/target/fuzz-failures/}.
 */
class FuzzTest {
    private static final int INPUTS = Fuzz.INPUTS;
    private static final long SEED = Fuzz.SEED;

    @TempDir(factory = FuzzDir.class)
    Path dir;

    private static void assertClean(Fuzz.Report... reports) {
        Fuzz.assertClean(reports);
    }

    private static Fuzz.Report fuzz(Fuzz f, String parser, List<byte[]> seeds) throws IOException {
        f.replay(TestData.file("fuzz-corpus/" + parser));
        return f.run(seeds, INPUTS, SEED, (m, ab) -> m.bytes(ab[0], ab[1]));
    }

    // ---- seeds ----

    /** data.pkl and storages of a zip checkpoint in testdata. */
    private record Unzipped(byte[] pickle, Map<String, byte[]> storages) {}

    private static Unzipped unzip(String checkpoint) throws IOException {
        try (ZipFile zip = new ZipFile(TestData.file("models/checkpoints/" + checkpoint).toFile())) {
            byte[] pickle = null;
            Map<String, byte[]> storages = new LinkedHashMap<>();
            for (ZipEntry e : zip.stream().toList()) {
                try (InputStream in = zip.getInputStream(e)) {
                    if (e.getName().endsWith("/data.pkl")) {
                        pickle = in.readAllBytes();
                    } else if (e.getName().contains("/data/")) {
                        storages.put(e.getName().substring(e.getName().lastIndexOf('/') + 1), in.readAllBytes());
                    }
                }
            }
            return new Unzipped(pickle, storages);
        }
    }

    /** Small hand-made checkpoints: a plain view, a strided one, an expanded one, three tensors on one storage. */
    private static List<Unzipped> smallCheckpoints() {
        List<Unzipped> out = new ArrayList<>();
        out.add(new Unzipped(PickleWriter.stateDict("a", 6, 0, new long[] {2, 3}, new long[] {3, 1}),
                Map.of("0", CheckpointFiles.floats(6))));
        out.add(new Unzipped(PickleWriter.stateDict("b", 6, 1, new long[] {2, 2}, new long[] {1, 2}),
                Map.of("0", CheckpointFiles.floats(6))));
        out.add(new Unzipped(PickleWriter.stateDict("c", 1, 0, new long[] {4}, new long[] {0}),
                Map.of("0", CheckpointFiles.floats(1))));
        out.add(new Unzipped(PickleWriter.stateDict("d", 2, 0, new long[] {}, new long[] {}),
                Map.of("0", CheckpointFiles.floats(2))));
        return out;
    }

    private static List<Unzipped> pickleSeeds() throws IOException {
        List<Unzipped> seeds = new ArrayList<>(smallCheckpoints());
        for (String golden : new String[] {"zip-plain-dict.bin", "ordereddict-metadata.bin", "shared-and-strided.bin",
                "bfloat16.bin", "malicious-eval.bin"}) {
            seeds.add(unzip(golden));
        }
        return seeds;
    }

    private static byte[] read(String testdata) throws IOException {
        return Files.readAllBytes(TestData.file(testdata));
    }

    // ---- the parsers ----

    @Test
    void pickle() throws IOException {
        // The mutations hit data.pkl only; it is zipped with its seed's storages, so they are what the pickle finds.
        List<Unzipped> seeds = pickleSeeds();
        List<byte[]> pickles = seeds.stream().map(Unzipped::pickle).toList();
        Fuzz f = new Fuzz("pickle", Fuzz.viaFile(dir.resolve("pytorch_model.bin"), TorchCheckpoint::read), CheckpointException.class);
        f.replay(TestData.file("fuzz-corpus/pickle"));
        assertClean(f.run(pickles, INPUTS, SEED, (m, ab) -> {
            Unzipped seed = seeds.get(pickles.indexOf(ab[0]));
            return CheckpointFiles.zip(m.bytes(ab[0], ab[1]), seed.storages());
        }));
    }

    @Test
    void zipContainer() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        for (Unzipped u : smallCheckpoints()) {
            seeds.add(CheckpointFiles.zip(u.pickle(), u.storages()));
        }
        seeds.add(read("models/checkpoints/zip-plain-dict.bin"));
        seeds.add(read("models/checkpoints/malicious-popen.bin"));
        assertClean(fuzz(new Fuzz("zip", Fuzz.viaFile(dir.resolve("pytorch_model.bin"), TorchCheckpoint::read), CheckpointException.class),
                "zip", seeds));
    }

    @Test
    void legacyContainer() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        for (Unzipped u : smallCheckpoints()) {
            byte[] storage = u.storages().get("0");
            seeds.add(CheckpointFiles.legacy(u.pickle(), "0", storage.length / 4, storage));
        }
        seeds.add(read("models/checkpoints/legacy-format.bin"));
        seeds.add(read("models/checkpoints/malicious-legacy.bin"));
        assertClean(fuzz(new Fuzz("legacy", Fuzz.viaFile(dir.resolve("pytorch_model.bin"), TorchCheckpoint::read), CheckpointException.class),
                "legacy", seeds));
    }

    @Test
    void pytorchShardIndex() throws IOException {
        for (String shard : new String[] {"s1.bin", "s2.bin"}) {
            Unzipped u = smallCheckpoints().get(shard.equals("s1.bin") ? 0 : 2);
            Files.write(dir.resolve(shard), CheckpointFiles.zip(u.pickle(), u.storages()));
        }
        List<byte[]> seeds = List.of(
                "{\"metadata\":{\"total_size\":28},\"weight_map\":{\"a\":\"s1.bin\",\"c\":\"s2.bin\"}}".getBytes(StandardCharsets.UTF_8),
                "{\"weight_map\":{\"a\":\"s1.bin\"}}".getBytes(StandardCharsets.UTF_8));
        Path out = Files.createDirectory(dir.resolve("out"));
        Fuzz f = new Fuzz("pytorch-index", Fuzz.viaFile(dir.resolve("pytorch_model.bin.index.json"),
                index -> Converter.convertPyTorch(index, out)), CheckpointException.class);
        f.replay(TestData.file("fuzz-corpus/pytorch-index"));
        assertClean(f.run(seeds, INPUTS, SEED, (m, ab) -> m.json(new String(ab[0], StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8)));
    }

    /** Small safetensors files: float tensors of several shapes and dtypes, metadata, an integer tensor. */
    private static List<byte[]> safetensorsSeeds(Path dir) throws IOException {
        List<List<Tensor>> files = List.of(
                List.of(new Tensor("a", DType.F32, new long[] {2, 3}, CheckpointFiles.floats(6)),
                        new Tensor("b", DType.F32, new long[] {}, CheckpointFiles.floats(1))),
                List.of(new Tensor("h", DType.F16, new long[] {3}, new byte[6]),
                        new Tensor("z", DType.BF16, new long[] {0, 4}, new byte[0]),
                        new Tensor("i", DType.I64, new long[] {1}, new byte[8])));
        List<byte[]> seeds = new ArrayList<>();
        for (List<Tensor> tensors : files) {
            Path p = dir.resolve("seed.safetensors");
            SafetensorsWriter.write(p, tensors);
            seeds.add(Files.readAllBytes(p));
        }
        return seeds;
    }

    /** Opens a safetensors source and reads the first and last elements of each float tensor. */
    private static void readAll(dev.rerank.weights.WeightSource source) {
        try (source) {
            for (String name : source.names()) {
                var info = source.info(name);
                long n = info.elementCount();
                if (info.dtype().isSupported() && n > 0) {
                    int k = (int) Math.min(n, 64);
                    source.read(name, 0, new float[k], 0, k);
                    source.read(name, n - k, new float[k], 0, k);
                }
            }
        }
    }

    @Test
    void safetensorsHeader() throws IOException {
        List<byte[]> seeds = safetensorsSeeds(dir);
        Fuzz f = new Fuzz("safetensors", Fuzz.viaFile(dir.resolve("model.safetensors"), p -> readAll(Safetensors.open(p))),
                WeightsException.class);
        f.replay(TestData.file("fuzz-corpus/safetensors"));
        // Half the inputs mutate the header as JSON (keeping its length field right), half mutate raw bytes.
        assertClean(f.run(seeds, INPUTS, SEED, (m, ab) -> m.coin() ? m.safetensorsHeader(ab[0]) : m.bytes(ab[0], ab[1])));
    }

    @Test
    void safetensorsShardIndex() throws IOException {
        List<byte[]> shards = safetensorsSeeds(dir);
        Files.write(dir.resolve("s1.safetensors"), shards.get(0));
        Files.write(dir.resolve("s2.safetensors"), shards.get(1));
        List<byte[]> seeds = List.of(("{\"metadata\":{\"total_size\":34},\"weight_map\":{\"a\":\"s1.safetensors\","
                + "\"b\":\"s1.safetensors\",\"h\":\"s2.safetensors\",\"z\":\"s2.safetensors\"}}").getBytes(StandardCharsets.UTF_8));
        Fuzz f = new Fuzz("safetensors-index", Fuzz.viaFile(dir.resolve("model.safetensors.index.json"),
                p -> readAll(ShardedSafetensors.open(p))), WeightsException.class);
        f.replay(TestData.file("fuzz-corpus/safetensors-index"));
        assertClean(f.run(seeds, INPUTS, SEED, (m, ab) -> m.json(new String(ab[0], StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8)));
    }
}
