package io.soak.sink.jsonl.internal;

import com.fasterxml.jackson.core.JsonFactory;
import io.soak.api.sink.Row;
import io.soak.api.sink.Sink;
import io.soak.api.sink.SinkContext;
import io.soak.api.stage.HealthReport;
import io.soak.api.stage.HealthState;
import io.soak.api.stage.StageMetrics;
import io.soak.api.time.Clock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run's JSONL sink. Idempotent by (run_id, topic, seq): rows of a topic arrive in seq order and a
 * redelivery repeats a suffix, so a per-topic "highest seq written" is enough to skip repeats; on open the
 * files are cut back to the committed watermark (see {@link JsonlRecovery}) and that watermark becomes the
 * starting point. Durable by fsync of a file every {@code fsync_rows} of its rows, of every written file every
 * {@code fsync_ms} ms of engine time, and on every commit; a commit records the watermark only after the data
 * files were fsynced. (Counting rows per file keeps the fsync rate at rows / fsync_rows whatever the number of
 * topic/symbol files, and bounds the unacknowledged rows an OS crash can take per file.)
 */
final class JsonlSink implements Sink {

    private static final Logger LOG = LoggerFactory.getLogger(JsonlSink.class);
    /** Per open file (up to two hours × topics × symbols are open: 16 KiB keeps 60 symbols under ~12 MB). */
    private static final int BUFFER = 16 * 1024;

    private final Path runDirectory;
    private final StageMetrics metrics;
    private final Clock clock;
    private final long fsyncRows;
    private final long fsyncMs;
    private final Map<String, Long> written = new HashMap<>();
    private final Map<String, Long> committed;
    private final Map<String, RowFile> open = new HashMap<>();
    private long lastSyncMs;
    private long lastCommitMs;
    private boolean closed;

    private JsonlSink(SinkContext context, Map<String, Long> committed) {
        this.runDirectory = context.runDirectory();
        this.metrics = context.metrics();
        this.clock = context.clock();
        this.fsyncRows = Math.max(1, context.config().integer("fsync_rows", 1000));
        this.fsyncMs = Math.max(0, context.config().integer("fsync_ms", 1000));
        this.committed = new TreeMap<>(committed);
        this.written.putAll(committed);
        this.lastSyncMs = clock.millis();
        this.lastCommitMs = lastSyncMs;
    }

    /** Opens the sink for a run, recovering the files of an earlier instance of the same run. */
    static JsonlSink open(SinkContext context, JsonFactory json) throws IOException {
        Files.createDirectories(JsonlLayout.signals(context.runDirectory()));
        Map<String, Long> committed = JsonlRecovery.readState(json, context.runDirectory());
        long removed = JsonlRecovery.truncateToCommitted(json, context.runDirectory(), committed);
        if (removed > 0) {
            LOG.info("jsonl sink of run {}: removed {} uncommitted line(s) above watermark {}", context.runId(),
                    removed, committed);
            context.metrics().add("recovered_uncommitted_lines", removed);
        }
        return new JsonlSink(context, committed);
    }

    @Override
    public void write(List<Row> rows) throws IOException {
        if (closed) {
            throw new IllegalStateException("jsonl sink is closed");
        }
        long skipped = 0;
        long n = 0;
        for (Row row : rows) {
            Long last = written.get(row.topic());
            if (last != null && row.seq() <= last) {
                skipped++;
                continue;
            }
            RowFile f = file(row);
            f.append(row.json());
            written.put(row.topic(), row.seq());
            n++;
            if (f.unsynced >= fsyncRows) {
                f.sync(); // per file: every file is fsynced at least every fsync_rows of its rows
                metrics.increment("fsyncs");
            }
        }
        metrics.add("rows_written", n);
        if (skipped > 0) {
            metrics.add("rows_redelivered_skipped", skipped);
        }
        if (clock.millis() - lastSyncMs >= fsyncMs) {
            sync();
        }
    }

    @Override
    public void commit() throws IOException {
        sync();
        if (!written.equals(committed)) {
            JsonlRecovery.writeState(runDirectory, new TreeMap<>(written));
            committed.clear();
            committed.putAll(written);
        }
        lastCommitMs = clock.millis();
        metrics.increment("commits");
        committed.forEach((topic, seq) -> metrics.gauge("committed_seq." + topic, seq));
        closeIdleFiles();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        commit();
        IOException first = null;
        for (RowFile f : open.values()) {
            try {
                f.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        open.clear();
        closed = true;
        if (first != null) {
            throw first;
        }
    }

    /**
     * Drops this instance without flushing its buffers (what a crash does), closing its files, so that a
     * reopened instance owns the files alone. Called by the factory when the engine reopens the run's sink.
     */
    void abort() {
        closed = true;
        for (RowFile f : open.values()) {
            try {
                f.channel.close();
            } catch (IOException e) {
                LOG.debug("closing an aborted jsonl file failed", e);
            }
        }
        open.clear();
    }

    @Override
    public HealthReport health() {
        long age = clock.millis() - lastCommitMs;
        Map<String, Object> facts = Map.of("commit_age_ms", age, "open_files", open.size());
        return new HealthReport(closed ? HealthState.UNHEALTHY : HealthState.HEALTHY, closed ? "closed" : "", facts);
    }

    /** Flushes and fsyncs every file written since the last sync. */
    private void sync() throws IOException {
        for (RowFile f : open.values()) {
            f.sync();
        }
        lastSyncMs = clock.millis();
        metrics.increment("fsyncs");
    }

    /** Keeps at most the two newest hours per (topic, symbol) open: older hours rarely see a late row. */
    private void closeIdleFiles() throws IOException {
        Map<String, Long> newest = new HashMap<>();
        open.values().forEach(f -> newest.merge(f.group, f.hour, Math::max));
        Iterator<RowFile> it = open.values().iterator();
        while (it.hasNext()) {
            RowFile f = it.next();
            if (f.hour < newest.get(f.group) - 1) {
                f.close();
                it.remove();
            }
        }
    }

    private RowFile file(Row row) throws IOException {
        long hour = JsonlLayout.hourOf(row.eventTimeMs());
        String group = row.topic() + '\u0000' + row.symbol();
        String key = group + '\u0000' + hour;
        RowFile f = open.get(key);
        if (f == null) {
            f = new RowFile(group, hour, JsonlLayout.file(runDirectory, row.topic(), row.symbol(), hour));
            open.put(key, f);
        }
        return f;
    }

    /** One appended file with its own buffer; the buffer is ours so that a sync is flush + force, nothing hidden. */
    private static final class RowFile {
        final String group;
        final long hour;
        final FileChannel channel;
        final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        boolean dirty;
        long unsynced;

        RowFile(String group, long hour, Path path) throws IOException {
            this.group = group;
            this.hour = hour;
            Files.createDirectories(path.getParent());
            this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        }

        void append(String json) throws IOException {
            byte[] b = json.getBytes(StandardCharsets.UTF_8);
            if (b.length + 1 > buffer.remaining()) {
                flush();
                if (b.length + 1 > buffer.capacity()) {
                    writeFully(ByteBuffer.wrap(b));
                    writeFully(ByteBuffer.wrap(new byte[] {'\n'}));
                    dirty = true;
                    unsynced++;
                    return;
                }
            }
            buffer.put(b).put((byte) '\n');
            dirty = true;
            unsynced++;
        }

        void flush() throws IOException {
            buffer.flip();
            writeFully(buffer);
            buffer.clear();
        }

        void sync() throws IOException {
            if (dirty) {
                flush();
                channel.force(false);
                dirty = false;
                unsynced = 0;
            }
        }

        void close() throws IOException {
            try {
                sync();
            } finally {
                channel.close();
            }
        }

        private void writeFully(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                channel.write(b);
            }
        }
    }

}
