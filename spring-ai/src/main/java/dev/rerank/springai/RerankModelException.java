package dev.rerank.springai;

/**
 * A model configured under {@code rerank.*} that cannot be used: names the property, its value and
 * why, and says what to do (the start-up failure report shows both, see
 * {@link RerankModelFailureAnalyzer}).
 */
public final class RerankModelException extends RuntimeException {
    private final String property;
    private final String value;
    private final String reason;
    private final String action;

    RerankModelException(String property, Object value, String reason, String action, Throwable cause) {
        super(property + "=" + value + ": " + reason, cause);
        this.property = property;
        this.value = String.valueOf(value);
        this.reason = reason;
        this.action = action;
    }

    /** The property at fault, e.g. {@code rerank.reranker.model}. */
    public String property() {
        return property;
    }

    /** Its value, as configured. */
    public String value() {
        return value;
    }

    /** Why its value cannot be used. */
    public String reason() {
        return reason;
    }

    /** What to do about it. */
    public String action() {
        return action;
    }
}
