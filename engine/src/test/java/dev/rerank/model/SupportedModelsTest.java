package dev.rerank.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rerank.TestData;
import dev.rerank.model.family.Families;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The README's supported-models table is the one the family files make, so the two cannot drift. */
class SupportedModelsTest {
    private static final String BEGIN = "<!-- supported-models:begin -->\n";
    private static final String END = "<!-- supported-models:end -->";

    @Test
    void readmeListsExactlyTheFamilies() throws IOException {
        String readme = Files.readString(TestData.dir().resolve("../README.md"), StandardCharsets.UTF_8);
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        assertTrue(begin >= 0 && end > begin, "README.md lacks the supported-models markers");
        assertEquals(Families.supportedModelsTable(), readme.substring(begin + BEGIN.length(), end),
                "README.md's supported-models table differs from the family files; replace it with the expected text");
    }
}
