package dev.rerank.cli;

import java.nio.file.Path;
import java.util.Set;

/** rerank download: put a hub model into the local cache (converting PyTorch weights once) and print where. */
final class DownloadCommand {
    static final String USAGE = """
            usage: rerank download M [--revision R]

            Downloads config, tokenizer and weights of hub model M into the Hugging Face cache
            ($HF_HOME/hub or ~/.cache/huggingface/hub) and prints the local directory. A cached
            copy is reused without any request.
            """;

    private final Console console;

    DownloadCommand(Console console) {
        this.console = console;
    }

    void run(String[] argv) {
        ModelOptions.help(argv, USAGE);
        Args args = new Args(argv, 1, Set.of("revision"), Set.of());
        if (args.positionals().size() != 1) {
            throw new UsageException("download takes one model id");
        }
        Path dir = new ModelResolver(console.hub(), console.err()).resolve(args.positionals().get(0), args.get("revision", "main"));
        console.out().println(dir);
    }
}
