package io.soak.export;

import io.soak.api.export.ExporterContext;
import io.soak.api.export.ExporterFactory;
import io.soak.api.export.MetricsExporter;
import io.soak.api.export.MetricsSnapshot;
import io.soak.api.export.Preflight;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** An exporter that keeps what it was given and fails while {@link #down} is set: a stand-in target for cadence tests. */
final class RecordingExporter implements MetricsExporter, ExporterFactory {

    final List<MetricsSnapshot> exported = new ArrayList<>();
    boolean down;
    boolean reachable = true;
    boolean closed;
    boolean timestamped;
    String type = "prometheus";
    /** When set, read-back finds this many points fewer than written and names this reason. */
    long dropped;
    String dropReason = "";
    long written;
    MetricsSnapshot summary;
    ExporterContext context;

    @Override
    public boolean timestamped() {
        return timestamped;
    }

    @Override
    public java.util.Optional<io.soak.api.export.ReadBack> readBack() {
        return java.util.Optional.of(new io.soak.api.export.ReadBack(written, Math.max(0, written - dropped),
                "count(run_id=run-1)", dropReason.isEmpty() ? List.of() : List.of(dropReason)));
    }

    @Override
    public void summary(MetricsSnapshot summary) {
        this.summary = summary;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public MetricsExporter create(ExporterContext context) {
        this.context = context;
        return this;
    }

    @Override
    public Preflight preflight() {
        return new Preflight(reachable, "http://127.0.0.1:9", reachable ? "GET /-/ready -> 200" : "connection refused", 1);
    }

    @Override
    public void export(MetricsSnapshot snapshot) throws IOException {
        if (down) {
            throw new IOException("PUT http://127.0.0.1:9/metrics/job/soak/run_id/run-1: connection refused");
        }
        exported.add(snapshot);
        written += snapshot.samples().size();
    }

    @Override
    public void close() {
        closed = true;
    }
}
