package dev.rerank.hub;

/** Told how a download advances, e.g. to draw a progress bar; the default is silence. */
public interface DownloadProgress {
    DownloadProgress NONE = new DownloadProgress() {
        @Override
        public void update(String file, long done, long total) {}

        @Override
        public void finished(String file) {}
    };

    /** {@code done} bytes of {@code file} are in; {@code total} is -1 when unknown. */
    void update(String file, long done, long total);

    /** The transfer of {@code file} ended, complete or not. */
    void finished(String file);
}
