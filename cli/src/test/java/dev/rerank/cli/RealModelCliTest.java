package dev.rerank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rerank.CrossEncoder;
import dev.rerank.CrossEncoder.Pair;
import dev.rerank.hub.HubSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The published models, when downloaded copies are at hand; reported as skipped otherwise.
 * RERANK_REAL_MODEL_DIR: omkar334/reranker-distilroberta-base-stsb (safetensors).
 * RERANK_REAL_MODEL_DIR_LEGACY: cross-encoder/stsb-distilroberta-base (pytorch_model.bin only).
 */
class RealModelCliTest {
    @TempDir
    Path tmp;

    @Test
    @EnabledIfEnvironmentVariable(named = "RERANK_REAL_MODEL_DIR", matches = ".+")
    void evalGivesTheModelCardCorrelations() {
        CliRunner.Result r = new CliRunner(tmp).run("eval", "--model", System.getenv("RERANK_REAL_MODEL_DIR"));
        assertEquals(0, r.code(), r.err());
        assertEquals(0.8504, number(r.out(), "Pearson"), 5e-4);
        assertEquals(0.8404, number(r.out(), "Spearman"), 5e-4);
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "RERANK_REAL_MODEL_DIR_LEGACY", matches = ".+")
    void legacyModelThroughTheConverter() {
        Path dir = new ModelResolver(HubSettings.fromEnvironment(java.util.Map.of("HF_HUB_CACHE", tmp.toString())), System.err)
                .ensureSafetensors(Path.of(System.getenv("RERANK_REAL_MODEL_DIR_LEGACY")));
        try (CrossEncoder model = CrossEncoder.load(dir)) {
            String q = "is toprol xl the same as metoprolol?";
            float[] scores = model.predict(List.of(
                    new Pair(q, "Metoprolol succinate is also known by the brand name Toprol XL. It is the extended-release "
                            + "form of metoprolol. Metoprolol succinate is approved to treat high blood pressure, chronic chest "
                            + "pain, and congestive heart failure."),
                    new Pair(q, "Pill with imprint 1 is White, Round and has been identified as Metoprolol Tartrate 25 mg."),
                    new Pair(q, "Interactions between your drugs No interactions were found between Allergy Relief and "
                            + "metoprolol. This does not necessarily mean no interactions exist. Always consult your "
                            + "healthcare provider.")));
            assertEquals(3, scores.length);
            float[] expected = {0.49774f, 0.25549f, 0.28261f};
            for (int i = 0; i < 3; i++) {
                assertEquals(expected[i], scores[i], 1e-4, "answer " + i);
            }
        }
    }

    private static double number(String out, String label) {
        Matcher m = Pattern.compile(label + ":\\s+(-?[0-9.]+)").matcher(out);
        assertTrue(m.find(), out);
        return Double.parseDouble(m.group(1));
    }
}
