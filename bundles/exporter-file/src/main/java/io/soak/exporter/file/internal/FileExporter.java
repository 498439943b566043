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
import java.nio.file.StandardOpenOption;

/**
 * Appends every snapshot to {@code runs/<id>/timeseries/metrics.om} as OpenMetrics text with timestamps. The
 * file always ends with exactly one {@code # EOF}: each export cuts the previous {@code # EOF} line, appends
 * its block, then writes {@code # EOF} again, so the file is complete after every export (and after a crash
 * between exports). A family appears once per export; a reader that wants one block per family (for example
 * {@code promtool tsdb create-blocks-from openmetrics}) reads it as a sequence of samples with increasing
 * timestamps. A snapshot whose time is not after the previous one's is written 1 ms later, so timestamps of
 * a series only increase.
 */
final class FileExporter implements MetricsExporter {

    private final Path dir;
    private final Path file;
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
        String block = OpenMetricsFormat.block(snapshot.samples(), ts);
        Files.createDirectories(dir);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ)) {
            long size = ch.size();
            long eofLen = OpenMetricsFormat.EOF_LINE.length();
            if (size >= eofLen) {
                ByteBuffer tail = ByteBuffer.allocate((int) eofLen);
                ch.read(tail, size - eofLen);
                if (new String(tail.array(), StandardCharsets.UTF_8).equals(OpenMetricsFormat.EOF_LINE)) {
                    ch.truncate(size - eofLen);
                    size -= eofLen;
                }
            }
            ByteBuffer out = ByteBuffer.wrap((block + OpenMetricsFormat.EOF_LINE).getBytes(StandardCharsets.UTF_8));
            long pos = size;
            while (out.hasRemaining()) {
                pos += ch.write(out, pos);
            }
            ch.force(false);
        }
        lastMs = ts;
    }

    @Override
    public void close() {
        // nothing held open between exports
    }
}
