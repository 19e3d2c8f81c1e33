package dev.rerank.cli;

import dev.rerank.VectorSupport;
import dev.rerank.convert.CheckpointException;
import dev.rerank.hub.HubException;
import dev.rerank.model.ModelException;
import dev.rerank.tokenizer.TokenizerException;
import dev.rerank.weights.WeightsException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * {@code rerank}: score text pairs, rank documents and embed texts with BERT and RoBERTa encoders, in pure Java.
 * Exit codes: 0 success, 2 usage error, 141 when stdout was closed before the results were all
 * written (see {@link Results}), 1 anything else; errors are one line on stderr.
 */
public final class Main {
    static final String USAGE = """
            usage: rerank <command> [options]

            commands:
              predict    score text pairs:  rerank predict A B,  or JSON Lines with --input FILE|-
              rank       rank documents against a query
              embed      sentence embeddings (bi-encoder models): rerank embed TEXT..., or --input FILE|-
              tokenize   show token ids (JSON Lines in and out)
              eval       Pearson/Spearman on STS-B (cross-encoder scores, or embeddings' cosine)
              info       describe a model
              download   fetch a model from the Hugging Face hub into the local cache
              convert    PyTorch checkpoint or ONNX export -> safetensors, or change a safetensors file's dtype
              inspect    list the tensors of a weights file
              synth      write a model with synthetic weights
              serve      HTTP rerank service (text-embeddings-inference and Cohere compatible)

            The model (--model) is a local directory or a hub id; default %s.
            Run 'rerank <command> --help' for a command's options.
            """.formatted(ModelResolver.DEFAULT_MODEL);

    private Main() {}

    public static void main(String[] args) {
        if (!VectorSupport.available()) {
            // Checked before anything else: every command but --help would otherwise fail deep inside.
            System.err.println("error: the JDK's Vector API module is not enabled: run java " + VectorSupport.FLAG
                    + " -jar rerank.jar ..., or the ./rerank launcher, which adds it");
            System.exit(1);
        }
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true, StandardCharsets.UTF_8);
        String home = System.getProperty("rerank.home", ".");
        int code = run(args, new Console(System.in, out, err, System.getenv(), Path.of(home)));
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs one command line; returns the exit code. */
    static int run(String[] args, Console console) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            console.out().print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].equals("--version")) {
            console.out().println("rerank " + version());
            return 0;
        }
        String command = args[0];
        try {
            switch (command) {
                case "predict" -> new PredictCommand(console).run(args);
                case "rank" -> new RankCommand(console).run(args);
                case "embed" -> new EmbedCommand(console).run(args);
                case "tokenize" -> new TokenizeCommand(console).run(args);
                case "eval" -> new EvalCommand(console).run(args);
                case "info" -> new InfoCommand(console).run(args);
                case "download" -> new DownloadCommand(console).run(args);
                case "serve" -> new ServeCommand(console).run(args);
                case "convert", "inspect", "synth" -> new WeightsCommands(console).run(command, args);
                default -> throw new UsageException("unknown command '" + command + "'");
            }
            console.out().flush();
            return 0;
        } catch (HelpRequested h) {
            console.out().print(h.getMessage());
            return 0;
        } catch (Results.Closed e) {
            return Results.CLOSED_STATUS; // nobody is reading: nothing to say, and nowhere to say it on stdout
        } catch (UsageException e) {
            console.err().println("error: " + printable(e.getMessage()) + " (see 'rerank " + (isCommand(command) ? command + " " : "") + "--help')");
            return 2;
        } catch (HubException | ModelException | WeightsException | TokenizerException | CheckpointException
                 | InputException | Results.NotFinite | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            console.out().flush();
            console.err().println("error: " + printable(e.getMessage()));
            return 1;
        } catch (OutOfMemoryError e) {
            console.err().println("error: " + outOfMemory(e));
            return 1;
        }
    }

    /**
     * An error message as one line a terminal shows as it is: messages quote names and values from
     * files (tensor names, config strings), which may hold newlines, escape sequences or
     * right-to-left overrides; each such character is written as an escape instead.
     */
    static String printable(String message) {
        String m = String.valueOf(message);
        StringBuilder out = new StringBuilder(m.length());
        for (int i = 0; i < m.length(); i++) {
            char c = m.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c < 0xa0) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /**
     * What to do about it: the Java heap can be made larger; memory outside it (where a model's
     * 16-bit weights live) cannot, so -Xmx advice there would make matters worse.
     */
    static String outOfMemory(OutOfMemoryError e) {
        String what = String.valueOf(e.getMessage());
        if (what.contains("Java heap space") || what.contains("GC overhead") || what.contains("array size")) {
            return "out of memory: give the JVM more heap (JAVA_TOOL_OPTIONS=-Xmx4g) or use a smaller --batch-size";
        }
        return "out of memory outside the Java heap (" + what + "), where 16-bit model weights are kept:"
                + " free memory on this machine (a larger -Xmx leaves less)";
    }

    private static boolean isCommand(String c) {
        return java.util.Set.of("predict", "rank", "embed", "tokenize", "eval", "info", "download", "convert", "inspect", "synth", "serve").contains(c);
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** Thrown by a command's --help: its usage goes to stdout with exit code 0. */
    static final class HelpRequested extends RuntimeException {
        HelpRequested(String usage) {
            super(usage, null, false, false);
        }
    }
}
