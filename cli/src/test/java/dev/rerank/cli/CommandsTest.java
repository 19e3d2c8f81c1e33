package dev.rerank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rerank.convert.Converter;
import dev.rerank.weights.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command through Main.run, on the tiny models of testdata/. */
class CommandsTest {
    @TempDir
    Path tmp;
    private CliRunner cli;
    private String tiny;
    private JsonObject golden;

    @BeforeEach
    void setUp() throws IOException {
        cli = new CliRunner(tmp.resolve("cache"));
        tiny = TestData.file("models/tiny-roberta").toString();
        golden = JsonParser.parseString(Files.readString(TestData.file("cross-encoder-tiny.json"))).getAsJsonObject();
    }

    private static void assertOk(CliRunner.Result r) {
        assertEquals(0, r.code(), () -> "exit code; stderr: " + r.err());
    }

    @Test
    void predictOnePair() {
        JsonObject p = golden.getAsJsonObject("predict");
        JsonArray first = p.getAsJsonArray("pairs").get(0).getAsJsonArray();
        CliRunner.Result r = cli.run("predict", "--model", tiny, first.get(0).getAsString(), first.get(1).getAsString());
        assertOk(r);
        assertEquals(p.getAsJsonArray("scores").get(0).getAsDouble(), Double.parseDouble(r.out().trim()), 1e-4);
        assertEquals("", r.err(), "quiet on success");
    }

    @Test
    void predictJsonLinesInOrderWithRawLogits() {
        JsonObject p = golden.getAsJsonObject("predict");
        StringBuilder in = new StringBuilder();
        for (var pair : p.getAsJsonArray("pairs")) {
            JsonObject o = new JsonObject();
            o.addProperty("a", pair.getAsJsonArray().get(0).getAsString());
            o.addProperty("b", pair.getAsJsonArray().get(1).getAsString());
            in.append(o).append('\n');
        }
        CliRunner.Result r = cli.stdin(in.toString()).run("predict", "--model", tiny, "--input", "-", "--raw", "--batch-size", "2");
        assertOk(r);
        List<String> lines = r.out().lines().toList();
        assertEquals(5, lines.size());
        for (int i = 0; i < 5; i++) {
            JsonObject line = JsonParser.parseString(lines.get(i)).getAsJsonObject();
            assertEquals(p.getAsJsonArray("scores").get(i).getAsDouble(), line.get("score").getAsDouble(), 1e-4);
            assertEquals(1, line.getAsJsonArray("logits").size());
        }
    }

    @Test
    void predictBadInput() throws IOException {
        CliRunner.Result r = cli.stdin("{\"a\": \"x\", \"b\": \"y\"}\n{\"a\": \"x\"\n").run("predict", "--model", tiny, "--input", "-");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("error: input line 2: not valid JSON"), r.err());
        assertEquals(1, r.err().lines().count(), "one-line error");

        r = cli.stdin("{\"a\": \"x\", \"b\": 3}\n").run("predict", "--model", tiny, "--input", "-");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("input line 1: field \"b\""), r.err());

        r = cli.stdin("").run("predict", "--model", tiny, "--input", "-");
        assertOk(r);
        assertEquals("", r.out());

        Path empty = tmp.resolve("empty.jsonl");
        Files.writeString(empty, "\n\n");
        assertOk(cli.run("predict", "--model", tiny, "--input", empty.toString()));
        r = cli.run("predict", "--model", tiny, "--input", tmp.resolve("absent.jsonl").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("input file not found"), r.err());
    }

    @Test
    void usageErrorsExitWithTwo() {
        for (String[] args : new String[][] {
                {"predict", "--model", "x", "only-one"},
                {"predict", "--frobnicate", "a", "b"},
                {"predict", "--threads", "zero", "a", "b"},
                {"rank", "doc"},
                {"tokenize"},
                {"nonsense"},
                {}}) {
            CliRunner.Result r = cli.run(args);
            assertEquals(2, r.code(), () -> String.join(" ", args) + " -> " + r.err());
        }
        CliRunner.Result r = cli.run("predict", "--frobnicate", "a", "b");
        assertTrue(r.err().startsWith("error: unknown option --frobnicate"), r.err());
    }

    @Test
    void maxLengthTooShortOrTooLongIsTheSameKindOfError() {
        CliRunner.Result shortOne = cli.run("predict", "--model", tiny, "--max-length", "2", "a", "b");
        CliRunner.Result longOne = cli.run("predict", "--model", tiny, "--max-length", "100000", "a", "b");
        assertEquals(2, shortOne.code(), shortOne.err());
        assertEquals(2, longOne.code(), longOne.err());
        assertTrue(longOne.err().startsWith("error: --max-length must be at most 512 for this model, got 100000"), longOne.err());
    }

    @Test
    void progressBarOnlyWhenStderrIsATerminal() {
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            in.append("{\"a\": \"a man eats\", \"b\": \"pair ").append(i).append("\"}\n");
        }
        cli.stdin(in.toString());
        CliRunner.Result plain = cli.run("predict", "--model", tiny, "--input", "-");
        assertOk(plain);
        assertEquals("", plain.err(), "not a terminal (a pipe, here): no frames");
        System.setProperty(Progress.TERMINAL_PROPERTY, "true");
        try {
            CliRunner.Result shown = cli.run("predict", "--model", tiny, "--input", "-");
            assertOk(shown);
            assertTrue(shown.err().contains("\rscoring [") && shown.err().contains("300 / 300 pairs"), shown.err());
            assertEquals(plain.out(), shown.out(), "the bar goes to stderr only and changes no score");
        } finally {
            System.clearProperty(Progress.TERMINAL_PROPERTY);
        }
    }

    @Test
    void dtypeKeepsWeightsAsF32OrBf16() {
        CliRunner.Result stored = cli.run("predict", "--model", tiny, "A man eats.", "A man is eating.");
        CliRunner.Result f32 = cli.run("predict", "--model", tiny, "--dtype", "f32", "A man eats.", "A man is eating.");
        CliRunner.Result bf16 = cli.run("predict", "--model", tiny, "--dtype", "BF16", "A man eats.", "A man is eating.");
        assertOk(stored);
        assertOk(f32);
        assertOk(bf16);
        assertEquals(stored.out(), f32.out(), "an F32 model read as F32 is unchanged");
        double want = Double.parseDouble(stored.out().trim());
        double got = Double.parseDouble(bf16.out().trim());
        assertTrue(got != want && Math.abs(got - want) < 2e-2, "bf16 score " + got + " vs " + want);
        CliRunner.Result r = cli.run("predict", "--model", tiny, "--dtype", "f16", "a", "b");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: --dtype must be f32 or bf16, got 'f16'"), r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"predict", "rank", "tokenize", "eval", "info", "download", "convert", "inspect", "synth"})
    void everyCommandHasHelp(String command) {
        CliRunner.Result r = cli.run(command, "--help");
        assertOk(r);
        assertTrue(r.out().startsWith("usage: rerank " + command), r.out());
    }

    @Test
    void missingModel() {
        CliRunner.Result r = cli.run("predict", "--model", tmp.resolve("no-such-model").toString(), "a", "b");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("error: model directory not found"), r.err());
        r = cli.run("predict", "--model", "org/not-cached", "a", "b");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("(--model DIR)"), r.err());
    }

    @Test
    void rankTableAndJson() {
        JsonObject rank = golden.getAsJsonObject("rank");
        String[] args = new String[4 + rank.getAsJsonArray("documents").size()];
        args[0] = "rank";
        args[1] = "--model=" + tiny;
        args[2] = "--query";
        args[3] = rank.get("query").getAsString();
        for (int i = 0; i < rank.getAsJsonArray("documents").size(); i++) {
            args[4 + i] = rank.getAsJsonArray("documents").get(i).getAsString();
        }
        CliRunner.Result table = cli.run(args);
        assertOk(table);
        List<String> lines = table.out().lines().toList();
        assertEquals("rank  score     index  text", lines.get(0));
        JsonArray want = rank.getAsJsonArray("result");
        for (int i = 0; i < want.size(); i++) {
            String[] cols = lines.get(i + 1).trim().split("\\s+", 4);
            assertEquals(String.valueOf(i + 1), cols[0]);
            assertEquals(want.get(i).getAsJsonObject().get("corpus_id").getAsString(), cols[2]);
        }
        String[] json = java.util.Arrays.copyOf(args, args.length + 3);
        json[args.length] = "--json";
        json[args.length + 1] = "--top-k";
        json[args.length + 2] = "3";
        CliRunner.Result r = cli.run(json);
        assertOk(r);
        JsonArray got = JsonParser.parseString(r.out()).getAsJsonArray();
        assertEquals(3, got.size());
        for (int i = 0; i < 3; i++) {
            JsonObject g = got.get(i).getAsJsonObject();
            JsonObject w = want.get(i).getAsJsonObject();
            assertEquals(w.get("corpus_id").getAsInt(), g.get("corpus_id").getAsInt());
            assertEquals(w.get("score").getAsDouble(), g.get("score").getAsDouble(), 1e-4);
            assertEquals(rank.getAsJsonArray("documents").get(w.get("corpus_id").getAsInt()).getAsString(), g.get("text").getAsString());
        }
    }

    @Test
    void rankReadsDocumentsFromInput() {
        CliRunner.Result r = cli.stdin("plain text document\n{\"text\": \"json document\"}\n")
                .run("rank", "--model", tiny, "--query", "q", "--input", "-", "--json");
        assertOk(r);
        assertEquals(2, JsonParser.parseString(r.out()).getAsJsonArray().size());
        assertTrue(r.out().contains("json document") && r.out().contains("plain text document"));
    }

    @Test
    void tokenizeTextsPairsAndErrors() {
        CliRunner.Result r = cli.stdin("""
                {"text": "text with <mask> inside"}
                {"a": "short", "b": "also short", "max_length": 5, "truncation": "longest_first"}
                {"a": "a long first text here", "b": "and a second", "max_length": 6, "truncation": "only_second"}
                not json
                {"a": "x", "b": "y", "truncation": "sideways"}
                {"a": "x", "b": "y", "truncation": {}}
                {"a": "x", "b": "y", "truncation": []}
                {"a": "x", "b": "y", "max_length": 40.7}
                {"a": "x", "b": "y", "max_length": 4294967300}
                {"a": "x", "b": "y", "max_length": "40"}
                {"a": "one two three four five", "b": "six seven", "max_length": 7}
                """).run("tokenize", "--model", tiny, "--input", "-");
        assertOk(r);
        List<String> lines = r.out().lines().toList();
        assertEquals(11, lines.size());
        assertEquals("{\"ids\":[29015,19,50264,1025],\"type_ids\":[0,0,0,0],"
                + "\"tokens\":[\"text\",\"Ġwith\",\"<mask>\",\"Ġinside\"]}", lines.get(0));
        assertEquals("{\"ids\":[0,2,2,19726,2],\"type_ids\":[0,0,0,0,0]}", lines.get(1));
        assertTrue(lines.get(2).startsWith("{\"error\":\"truncation only_second"), lines.get(2));
        assertTrue(lines.get(3).startsWith("{\"error\":\"input line 4: not valid JSON"), lines.get(3));
        assertTrue(lines.get(4).contains("unknown truncation strategy 'sideways'"), lines.get(4));
        assertEquals("{\"error\":\"input line 6: truncation must be a string: longest_first, only_first or only_second\"}",
                lines.get(5));
        assertTrue(lines.get(6).startsWith("{\"error\":\"input line 7: truncation must be a string"), lines.get(6));
        assertTrue(lines.get(7).startsWith("{\"error\":\"input line 8: max_length must be an integer"), lines.get(7));
        assertTrue(lines.get(8).startsWith("{\"error\":\"input line 9: max_length must be an integer"), lines.get(8));
        assertTrue(lines.get(9).startsWith("{\"error\":\"input line 10: max_length must be an integer"), lines.get(9));
        // An odd room: the longer first text gets the odd token, as in the Rust tokenizers.
        assertEquals("{\"ids\":[0,1264,80,2,2,13664,2],\"type_ids\":[0,0,0,0,0,0,0]}", lines.get(10));
    }

    @Test
    void tokenizeBertPairsWithTypeIds() {
        CliRunner.Result r = cli.stdin("""
                {"text": "Héllo, WORLD!"}
                {"a": "How many people live in Berlin?", "b": "Berlin is big.", "max_length": 8}
                {"a": "a", "b": ""}
                """).run("tokenize", "--model", TestData.file("models/tiny-bert").toString(), "--input", "-");
        assertOk(r);
        List<String> lines = r.out().lines().toList();
        assertEquals("{\"ids\":[7592,1010,2088,999],\"type_ids\":[0,0,0,0],"
                + "\"tokens\":[\"hello\",\",\",\"world\",\"!\"]}", lines.get(0));
        // Room 5 for 8 + 4 tokens: the longer first text gets 3, the odd one.
        assertEquals("{\"ids\":[101,2129,2116,2111,102,4068,2003,102],\"type_ids\":[0,0,0,0,0,1,1,1]}", lines.get(1));
        assertEquals("{\"ids\":[101,1037,102,102],\"type_ids\":[0,0,0,1]}", lines.get(2));
    }

    @Test
    void evalPrintsTheReferenceCorrelations() {
        JsonObject stsb = golden.getAsJsonObject("stsb_test");
        CliRunner.Result r = cli.run("eval", "--model", tiny, "--threads", "2");
        assertOk(r);
        String pearson = String.format(Locale.ROOT, "Pearson:  %.4f", stsb.get("pearson").getAsDouble());
        String spearman = String.format(Locale.ROOT, "Spearman: %.4f", stsb.get("spearman").getAsDouble());
        assertTrue(r.out().contains(pearson), r.out() + " lacks " + pearson);
        assertTrue(r.out().contains(spearman), r.out() + " lacks " + spearman);
        assertTrue(r.out().contains("1379 pairs"), r.out());
        assertTrue(r.err().contains("1379 pairs in "), r.err());
    }

    @Test
    void evalCorrelationsMatchTheReferenceTo1e4() {
        // The same numbers as the printed ones, unrounded, against the reference evaluator.
        java.util.List<dev.rerank.CrossEncoder.Pair> pairs = new java.util.ArrayList<>();
        java.util.List<Double> gold = new java.util.ArrayList<>();
        EvalCommand.read(TestData.file("stsb/sts-test.csv"), pairs, gold);
        assertEquals(1379, pairs.size());
        try (dev.rerank.CrossEncoder m = dev.rerank.CrossEncoder.builder(TestData.file("models/tiny-roberta")).threads(2).build()) {
            float[] s = m.predict(pairs);
            double[] scores = new double[s.length];
            for (int i = 0; i < s.length; i++) {
                scores[i] = s[i];
            }
            double[] g = gold.stream().mapToDouble(Double::doubleValue).toArray();
            JsonObject stsb = golden.getAsJsonObject("stsb_test");
            assertEquals(stsb.get("pearson").getAsDouble(), Correlation.pearson(scores, g), 1e-4);
            assertEquals(stsb.get("spearman").getAsDouble(), Correlation.spearman(scores, g), 1e-4);
        }
    }

    @Test
    void threeLabelModelPrintsProbabilitiesAndLabel() throws IOException {
        Path nli = tmp.resolve("nli");
        Files.createDirectories(nli);
        JsonObject config = JsonParser.parseString(Files.readString(TestData.file("model-tiny-nli.json"))).getAsJsonObject()
                .getAsJsonObject("config");
        Files.writeString(nli.resolve("config.json"), config.toString());
        Converter.synthesize(nli.resolve("config.json"), "tiny-nli", nli, DType.F32);
        Files.copy(TestData.file("models/tiny-roberta/tokenizer.json"), nli.resolve("tokenizer.json"));
        CliRunner.Result r = cli.run("predict", "--model", nli.toString(), "A man with a hard hat is dancing.",
                "A man wearing a hard hat is dancing.");
        assertOk(r);
        JsonObject line = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(0.9041986624663955, line.getAsJsonArray("probabilities").get(2).getAsDouble(), 1e-4);
        assertEquals("neutral", line.get("label").getAsString());
    }

    @Test
    void infoDescribesTheModel() {
        CliRunner.Result r = cli.run("info", tiny);
        assertOk(r);
        assertTrue(r.out().contains("6 layers, hidden 40, 5 heads, ffn 84"), r.out());
        assertTrue(r.out().contains("activation:   sigmoid"), r.out());
        assertTrue(r.out().contains("dtype:        F32"), r.out());
        assertTrue(r.out().contains("parameters:   2,"), r.out());
    }

    @Test
    void convertInspectAndSynth() throws IOException {
        Path model = tmp.resolve("pt");
        Files.createDirectories(model);
        Files.copy(TestData.file("models/tiny-roberta-pt/pytorch_model.bin"), model.resolve("pytorch_model.bin"));
        CliRunner.Result r = cli.run("convert", model.toString(), "--out", tmp.resolve("converted").toString());
        assertOk(r);
        Path converted = tmp.resolve("converted/model.safetensors");
        assertEquals(converted.toString(), r.out().trim());
        r = cli.run("inspect", converted.toString());
        assertOk(r);
        assertTrue(r.out().contains("roberta.embeddings.word_embeddings.weight"), r.out());
        assertTrue(r.out().trim().endsWith("bytes") && r.out().contains("105 tensors"), r.out());

        assertEquals(2, cli.run("convert", model.toString()).code(), "the source directory is never the output");
        assertEquals(2, cli.run("convert", model.toString(), "--out", model.toString()).code());
        assertEquals(List.of("pytorch_model.bin"), list(model));

        // A dtype change and a synthetic model come out loadable: config and tokenizer go along.
        r = cli.run("convert", TestData.file("models/tiny-roberta/model.safetensors").toString(), "--dtype", "bf16",
                "--out", tmp.resolve("bf16").toString());
        assertOk(r);
        assertTrue(cli.run("inspect", tmp.resolve("bf16/model.safetensors").toString()).out().contains("BF16"));
        assertOk(cli.run("predict", "--model", tmp.resolve("bf16").toString(), "a", "b"));

        r = cli.run("synth", "--config", TestData.file("models/tiny-roberta/config.json").toString(), "--salt", "tiny",
                "--out", tmp.resolve("synth").toString());
        assertOk(r);
        assertTrue(Files.exists(tmp.resolve("synth/config.json")));
        assertTrue(Files.exists(tmp.resolve("synth/tokenizer.json")));
        assertOk(cli.run("predict", "--model", tmp.resolve("synth").toString(), "a", "b"));

        r = cli.run("inspect", TestData.file("models/checkpoints/malicious-eval.bin").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("refusing to load") && r.err().contains("eval"), r.err());
    }

    @Test
    void localModelWithOnlyPytorchWeightsIsConvertedOnce() throws IOException {
        Path model = TestData.pytorchOnlyModel(tmp.resolve("pt-only"));
        CliRunner.Result first = cli.run("predict", "--model", model.toString(), "A man is eating.", "A man eats.");
        assertOk(first);
        assertTrue(first.err().contains("converted the PyTorch weights"), first.err());
        CliRunner.Result second = cli.run("predict", "--model", model.toString(), "A man is eating.", "A man eats.");
        assertOk(second);
        assertEquals("", second.err(), "converted only once");
        assertEquals(first.out(), second.out());
        assertEquals(List.of("config.json", "pytorch_model.bin", "tokenizer.json"), list(model),
                "the converted copy went to the cache, not into the model's directory");
    }

    private static List<String> list(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void outOfMemoryAdviceNamesTheMemoryThatRanOut() {
        String heap = Main.outOfMemory(new OutOfMemoryError("Java heap space"));
        assertTrue(heap.contains("-Xmx4g"), heap);
        // What Arena.allocate throws when the machine has no memory left for 16-bit weights.
        String offHeap = Main.outOfMemory(new OutOfMemoryError("Unable to allocate 164250842 bytes"));
        assertTrue(offHeap.contains("outside the Java heap") && offHeap.contains("Unable to allocate 164250842 bytes"), offHeap);
        assertTrue(!offHeap.contains("-Xmx4g"), offHeap);
    }
}
