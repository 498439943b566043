package io.soak.exporter.file.internal;

import io.soak.api.export.ExporterContext;
import io.soak.api.export.MetricsExporter;
import io.soak.api.export.MetricsSnapshot;
import io.soak.api.export.Preflight;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import io.soak.api.export.ReadBack;
import java.util.List;
import java.util.Optional;

/**
 * Writes {@code runs/<id>/timeseries/metrics.om}: one strictly valid OpenMetrics document (each family once,
 * each series' points together in time order, {@code # EOF}) holding every snapshot so far, rewritten atomically
 * (temporary file, then rename) at every export, so the file is complete after every export and after a crash
 * between exports. Timestamps are the snapshot's (the export extension maps replay time, see
 * docs/timeseries-and-alerts.md); a snapshot not after the previous one is written 1 ms later, so the points of a
 * series only increase. Read-back: the sample lines of the file against the points written.
 */
final class FileExporter implements MetricsExporter {

    private final Path dir;
    private final Path file;
    private final OpenMetricsFormat document = new OpenMetricsFormat();
    private long lastMs = Long.MIN_VALUE;

    FileExporter(ExporterContext context) {
        String d = context.spec().options().getOrDefault("directory", "");
        this.dir = d.isBlank() ? new io.soak.api.run.RunDirectory(context.runDirectory()).timeseries() : Path.of(d);
        this.file = dir.resolve(context.spec().options().getOrDefault("file", "metrics.om"));
    }

    Path file() {
        return file;
    }

    @Override
    public Preflight preflight() {
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".preflight", ".tmp");
            Files.delete(probe);
            return new Preflight(true, dir.toString(), "directory writable", (System.nanoTime() - t0) / 1_000_000L);
        } catch (IOException | RuntimeException e) {
            return new Preflight(false, dir.toString(), "directory not writable: " + e.getMessage(),
                    (System.nanoTime() - t0) / 1_000_000L);
        }
    }

    @Override
    public void export(MetricsSnapshot snapshot) throws IOException {
        long ts = snapshot.timeMs() <= lastMs ? lastMs + 1 : snapshot.timeMs();
        document.add(snapshot.samples(), ts);
        lastMs = ts;
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer out = ByteBuffer.wrap(document.render().getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ch.force(false);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The sample lines in the file against the points written. */
    @Override
    public Optional<ReadBack> readBack() throws IOException {
        if (!Files.exists(file)) {
            return Optional.of(new ReadBack(document.points(), 0, "sample lines of " + file, List.of()));
        }
        long found;
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            found = lines.filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
        }
        return Optional.of(new ReadBack(document.points(), found, "sample lines of " + file, List.of()));
    }

    @Override
    public void close() {
        // nothing held open between exports
    }
}
