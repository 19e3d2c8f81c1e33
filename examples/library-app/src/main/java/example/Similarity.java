package example;

import dev.rerank.CrossEncoder;
import java.util.List;

/** Prints the score of two texts: java --add-modules jdk.incubator.vector -cp ... example.Similarity MODEL A B. */
public final class Similarity {
    private Similarity() {}

    public static float score(String model, String a, String b) {
        try (CrossEncoder encoder = CrossEncoder.load(model)) {
            return encoder.predict(List.of(new CrossEncoder.Pair(a, b)))[0];
        }
    }

    public static void main(String[] args) {
        System.out.println(score(args[0], args[1], args[2]));
    }
}
