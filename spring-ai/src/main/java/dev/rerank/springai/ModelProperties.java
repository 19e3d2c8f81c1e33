package dev.rerank.springai;

/**
 * What both models are configured with: where the model is and how it runs. Unset values
 * (null) leave the engine's defaults.
 */
public abstract class ModelProperties {
    /**
     * The model: a local directory, or a Hugging Face hub id (org/name), downloaded once into the
     * Hugging Face cache shared with Python (HF_HOME, HF_HUB_CACHE, HF_TOKEN, HF_HUB_OFFLINE apply).
     * A relative directory is relative to the working directory. Unset: no model, no bean.
     */
    private String model;

    /** The revision (branch, tag or commit) of a hub id; ignored for a local directory. */
    private String revision = "main";

    /** Worker threads per call (default: the available processors). */
    private Integer threads;

    /** Inputs longer than this many tokens, special tokens included, are truncated (default: the model's limit). */
    private Integer maxLength;

    /** Inputs per forward pass (default 32). */
    private Integer batchSize;

    /**
     * The precision the weight matrices are kept in: "f32", or "bf16" (float32 weights rounded to
     * bfloat16 at load: half the memory, results within a few 1e-3). Default: as the file stores them.
     */
    private String weightsDtype;

    public String getModel() {
        return model;
    }

    public void setModel(String model) {
        this.model = model;
    }

    public String getRevision() {
        return revision;
    }

    public void setRevision(String revision) {
        this.revision = revision;
    }

    public Integer getThreads() {
        return threads;
    }

    public void setThreads(Integer threads) {
        this.threads = threads;
    }

    public Integer getMaxLength() {
        return maxLength;
    }

    public void setMaxLength(Integer maxLength) {
        this.maxLength = maxLength;
    }

    public Integer getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(Integer batchSize) {
        this.batchSize = batchSize;
    }

    public String getWeightsDtype() {
        return weightsDtype;
    }

    public void setWeightsDtype(String weightsDtype) {
        this.weightsDtype = weightsDtype;
    }
}
