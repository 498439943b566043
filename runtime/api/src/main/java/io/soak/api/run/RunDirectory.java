package io.soak.api.run;

import java.nio.file.Path;

/**
 * The layout of one run's directory ({@code <runs root>/<run id>}): the single place that names what a run
 * leaves behind. Pure naming, no I/O; claiming and locking the directory is the engine's job.
 *
 * @param root the run directory itself
 */
public record RunDirectory(Path root) {

    /** The run manifest (rewritten atomically during the run; final once {@code ended_at} is set). */
    public static final String MANIFEST = "run_manifest.json";
    /** What was read: source type, files, symbols, streams. */
    public static final String SOURCE_MANIFEST = "source_manifest.json";
    /** The row-by-row comparison of the sinks. */
    public static final String PARITY_DIFF = "parity_diff.json";
    /** The lock a run holds on its directory while it runs (see the engine's run-directory claim). */
    public static final String LOCK = ".soak.lock";
    /** The JSONL sink's folder. */
    public static final String SIGNALS = "signals";
    /** In {@link #SIGNALS}: per topic, the highest seq the JSONL sink made durable (its watermark). */
    public static final String JSONL_WATERMARK = "_committed.json";
    /** The SQLite sink's database. */
    public static final String SQLITE = "signals.db";
    /** Reports written after the verdict. */
    public static final String REPORTS = "reports";
    /** The run's log folder. */
    public static final String LOGS = "logs";
    /** The run's log file, in {@link #LOGS}. */
    public static final String LOG_FILE = "soak.log";
    /** The file exporter's folder. */
    public static final String TIMESERIES = "timeseries";

    public RunDirectory {
        if (root == null) {
            throw new IllegalArgumentException("a run directory needs a path");
        }
    }

    /** {@code runsRoot/<id>}. */
    public static RunDirectory of(Path runsRoot, RunId id) {
        return new RunDirectory(runsRoot.resolve(id.value()));
    }

    public Path manifest() {
        return root.resolve(MANIFEST);
    }

    public Path sourceManifest() {
        return root.resolve(SOURCE_MANIFEST);
    }

    public Path parityDiff() {
        return root.resolve(PARITY_DIFF);
    }

    public Path lockFile() {
        return root.resolve(LOCK);
    }

    public Path signals() {
        return root.resolve(SIGNALS);
    }

    public Path jsonlWatermark() {
        return signals().resolve(JSONL_WATERMARK);
    }

    public Path sqlite() {
        return root.resolve(SQLITE);
    }

    public Path reports() {
        return root.resolve(REPORTS);
    }

    /** A file in {@link #reports()}. */
    public Path report(String fileName) {
        return reports().resolve(fileName);
    }

    public Path logs() {
        return root.resolve(LOGS);
    }

    public Path logFile() {
        return logs().resolve(LOG_FILE);
    }

    public Path timeseries() {
        return root.resolve(TIMESERIES);
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
