package dev.rerank.springai;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a {@link RerankModelException} into Spring Boot's start-up failure report: the property, the reason, the fix. */
final class RerankModelFailureAnalyzer extends AbstractFailureAnalyzer<RerankModelException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, RerankModelException cause) {
        return new FailureAnalysis(cause.property() + "=" + cause.value() + " cannot be used: " + cause.reason(), cause.action(), cause);
    }
}
