package dev.rerank.benchmarks;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.rerank.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Tokenizer throughput on every sentence of the STS-B test split (2,758 sentences), one thread:
 * this project's tokenizer beside the Rust Hugging Face tokenizers (through DJL's JNI binding) in
 * the same run. One operation encodes all sentences; tokens/s = TOKENS_PER_OP × ops/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class TokenizerBenchmark {
    private List<String> sentences;
    private Tokenizer ours;
    private HuggingFaceTokenizer rust;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        sentences = Stsb.sentences();
        Path json = SyntheticModel.testdata().resolve("roberta-base-tokenizer/tokenizer.json");
        ours = Tokenizer.load(json);
        rust = HuggingFaceTokenizer.newInstance(json, Map.of("addSpecialTokens", "false"));
        long tokens = 0;
        for (String s : sentences) {
            tokens += ours.encode(s).length();
        }
        System.out.println("\ntokens per operation: " + tokens + " (" + sentences.size() + " sentences)");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        rust.close();
    }

    @Benchmark
    public long javaTokenizer() {
        long n = 0;
        for (String s : sentences) {
            n += ours.encode(s).ids().length;
        }
        return n;
    }

    @Benchmark
    public long rustTokenizer() {
        long n = 0;
        for (String s : sentences) {
            n += rust.encode(s, false, false).getIds().length;
        }
        return n;
    }
}
