package dev.rerank.cli;

import dev.rerank.convert.Converter;
import dev.rerank.weights.DType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** rerank convert / inspect / synth: the weights-converter's command line. */
final class WeightsCommands {
    static final String CONVERT = """
            usage: rerank convert SRC --out DIR [--dtype f32|f16|bf16]

            SRC is a PyTorch checkpoint (pytorch_model.bin, a shard index, or a model directory):
            it becomes DIR/model.safetensors with the other model files (config, tokenizer) copied.
            The source directory is never written to.
            Nothing in the pickle is executed; only tensor data is read.
            SRC may also be a BERT/RoBERTa encoder exported to ONNX (model.onnx, or a directory
            holding it, as optimum and Xenova export them): its weights get their Hugging Face
            names back and are checked against the config.json beside it (if any).
            SRC may also be a .safetensors file: with --dtype it is rewritten in that dtype
            (round to nearest even) as DIR/model.safetensors, config and tokenizer copied too.
            """;
    static final String INSPECT = """
            usage: rerank inspect FILE

            Lists the tensors of a .safetensors file, a PyTorch checkpoint or an ONNX encoder export
            (under the Hugging Face names convert gives them): name, dtype, shape, bytes.
            """;
    static final String SYNTH = """
            usage: rerank synth --config config.json --salt S --out DIR [--dtype f32|f16|bf16]

            Writes DIR/model.safetensors with synthetic weights (a pure function of salt, tensor name
            and index) for the model config.json describes, and copies the config and the tokenizer
            files found beside it.
            """;

    private final Console console;

    WeightsCommands(Console console) {
        this.console = console;
    }

    void run(String command, String[] argv) {
        switch (command) {
            case "convert" -> convert(argv);
            case "inspect" -> inspect(argv);
            default -> synth(argv);
        }
    }

    private void convert(String[] argv) {
        ModelOptions.help(argv, CONVERT);
        Args args = new Args(argv, 1, Set.of("out", "dtype"), Set.of());
        if (args.positionals().size() != 1) {
            throw new UsageException("convert takes one source");
        }
        Path src = Path.of(args.positionals().get(0));
        if (!Files.exists(src)) {
            throw new IllegalArgumentException("not found: " + src);
        }
        if (!args.has("out")) {
            throw new UsageException("convert needs --out DIR (the source directory is never written to)");
        }
        Path base = Files.isDirectory(src) ? src : src.toAbsolutePath().getParent();
        Path out = Path.of(args.get("out", ""));
        if (out.toAbsolutePath().normalize().equals(base.toAbsolutePath().normalize())) {
            throw new UsageException("--out must not be the source's own directory; choose another");
        }
        boolean safetensors = src.getFileName().toString().endsWith(".safetensors");
        if (safetensors && !args.has("dtype")) {
            throw new UsageException("a .safetensors source needs --dtype");
        }
        DType dtype = args.has("dtype") ? dtype(args) : null; // checked before any work starts
        Path written;
        try (ConversionBars bars = new ConversionBars(console.err())) {
            if (safetensors) {
                written = out.resolve("model.safetensors");
                Converter.convertDtype(src, written, dtype, bars);
            } else {
                written = Converter.isOnnx(src) ? Converter.convertOnnx(src, out, bars) : Converter.convertPyTorch(src, out, bars);
                if (dtype != null) {
                    Converter.convertDtype(written, written, dtype, bars);
                }
            }
        }
        console.out().println(written);
    }

    private void inspect(String[] argv) {
        ModelOptions.help(argv, INSPECT);
        Args args = new Args(argv, 1, Set.of(), Set.of());
        if (args.positionals().size() != 1) {
            throw new UsageException("inspect takes one file");
        }
        List<Converter.Row> rows = Converter.inspect(Path.of(args.positionals().get(0)));
        int width = rows.stream().mapToInt(r -> r.name().length()).max().orElse(4);
        long params = 0;
        long bytes = 0;
        console.out().printf(Locale.ROOT, "%-" + width + "s  %-5s  %-16s  %s%n", "name", "dtype", "shape", "bytes");
        for (Converter.Row r : rows) {
            console.out().printf(Locale.ROOT, "%-" + width + "s  %-5s  %-16s  %,d%n", r.name(), r.dtype(),
                    java.util.Arrays.toString(r.shape()), r.bytes());
            params += r.parameters();
            bytes += r.bytes();
        }
        console.out().printf(Locale.ROOT, "%d tensors, %,d parameters, %,d bytes%n", rows.size(), params, bytes);
    }

    private void synth(String[] argv) {
        ModelOptions.help(argv, SYNTH);
        Args args = new Args(argv, 1, Set.of("config", "salt", "out", "dtype"), Set.of());
        if (!args.has("config") || !args.has("salt") || !args.has("out")) {
            throw new UsageException("synth needs --config, --salt and --out");
        }
        DType dtype = args.has("dtype") ? dtype(args) : DType.F32;
        console.out().println(Converter.synthesize(Path.of(args.get("config", "")), args.get("salt", ""),
                Path.of(args.get("out", "")), dtype));
    }

    private static DType dtype(Args args) {
        return switch (args.get("dtype", "").toLowerCase(Locale.ROOT)) {
            case "f32", "float32" -> DType.F32;
            case "f16", "float16" -> DType.F16;
            case "bf16", "bfloat16" -> DType.BF16;
            default -> throw new UsageException("--dtype must be f32, f16 or bf16");
        };
    }
}
