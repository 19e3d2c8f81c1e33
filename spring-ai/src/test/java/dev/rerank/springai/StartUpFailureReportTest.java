package dev.rerank.springai;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** A Spring Boot application started with a bad model: the report Spring Boot prints names the property, the reason and the fix. */
@ExtendWith(OutputCaptureExtension.class)
class StartUpFailureReportTest {
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Application {}

    @Test
    void aMissingRerankerDirectoryIsReportedWithItsProperty(CapturedOutput output) {
        Path missing = TestData.file("models/no-such-model");
        assertThrows(Exception.class, () -> SpringApplication.run(Application.class, "--rerank.reranker.model=" + missing,
                "--spring.main.banner-mode=off"));
        String report = output.toString();
        assertTrue(report.contains("APPLICATION FAILED TO START"), report);
        assertTrue(report.contains("rerank.reranker.model=" + missing + " cannot be used: model directory not found: " + missing), report);
        assertTrue(report.contains("Set rerank.reranker.model to a cross-encoder"), report);
    }
}
