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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * files, and bounds the unacknowledged rows an OS crash can take per file.)
 *
 * <p>One append file per topic and UTC hour ({@link JsonlLayout}): a commit forces at most (topics × open hours)
 * files whatever the number of symbols, then the directories that got a new entry since the last commit (a new
 * hour's file), then writes the watermark (temp file, fsync, rename, fsync of {@code signals/}). All durability
 * calls go through {@link Disk}.
 */
final class JsonlSink implements Sink {

    private static final Logger LOG = LoggerFactory.getLogger(JsonlSink.class);
    /** Per open file (up to two hours × topics are open, whatever the number of symbols). */
    private static final int BUFFER = 16 * 1024;

    private final Path runDirectory;
    private final StageMetrics metrics;
    private final Clock clock;
    private final long fsyncRows;
    private final long fsyncMs;
    private final Map<String, Long> written = new HashMap<>();
    private final Map<String, Long> committed;
    private final Map<String, RowFile> open = new HashMap<>();
    private final Disk disk;
    /** Directories with an entry (file or directory) created since their last fsync: forced before the watermark. */
    private final Set<Path> newEntries = new LinkedHashSet<>();
    private long lastSyncMs;
    private long lastCommitMs;
    private boolean closed;

    private JsonlSink(SinkContext context, Map<String, Long> committed, Disk disk) {
        this.disk = disk;
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
    static JsonlSink open(SinkContext context, JsonFactory json, Disk disk) throws IOException {
        Path signals = JsonlLayout.signals(context.runDirectory());
        boolean created = !Files.isDirectory(signals);
        Files.createDirectories(signals);
        Map<String, Long> committed = JsonlRecovery.readState(json, context.runDirectory());
        long removed = JsonlRecovery.truncateToCommitted(json, context.runDirectory(), committed);
        if (removed > 0) {
            LOG.info("jsonl sink of run {}: removed {} uncommitted line(s) above watermark {}", context.runId(),
                    removed, committed);
            context.metrics().add("recovered_uncommitted_lines", removed);
        }
        JsonlSink sink = new JsonlSink(context, committed, disk);
        if (created) {
            sink.newEntries.add(context.runDirectory());
        }
        return sink;
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
                if (f.sync(disk)) { // per file: every file is fsynced at least every fsync_rows of its rows
                    metrics.increment("files_fsynced");
                }
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
            JsonlRecovery.writeState(disk, runDirectory, new TreeMap<>(written));
            metrics.increment("dirs_fsynced"); // signals/, after the watermark's rename
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
                f.close(disk);
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

    /**
     * Flushes and fsyncs every file written since the last sync, and only those: a file without new bytes costs
     * nothing (the {@code files_fsynced} counter says how many files were forced; {@code fsyncs} counts rounds).
     */
    private void sync() throws IOException {
        long forced = 0;
        for (RowFile f : open.values()) {
            if (f.sync(disk)) {
                forced++;
            }
        }
        if (forced > 0) {
            metrics.add("files_fsynced", forced);
        }
        // a new hour's file (or topic directory) is only found after an OS crash once its directory is forced
        for (Path dir : newEntries) {
            disk.forceDirectory(dir);
            metrics.increment("dirs_fsynced");
        }
        newEntries.clear();
        lastSyncMs = clock.millis();
        metrics.increment("fsyncs");
    }

    /**
     * Keeps at most the two newest hours per topic open: older hours rarely see a late row (one that does reopens
     * its file for append). This bounds the sink's open files at 2 × topics, whatever the number of symbols.
     */
    private void closeIdleFiles() throws IOException {
        Map<String, Long> newest = new HashMap<>();
        open.values().forEach(f -> newest.merge(f.group, f.hour, Math::max));
        Iterator<RowFile> it = open.values().iterator();
        while (it.hasNext()) {
            RowFile f = it.next();
            if (f.hour < newest.get(f.group) - 1) {
                f.close(disk);
                it.remove();
            }
        }
    }

    private RowFile file(Row row) throws IOException {
        long hour = JsonlLayout.hourOf(row.eventTimeMs());
        String key = row.topic() + '\u0000' + hour;
        RowFile f = open.get(key);
        if (f == null) {
            Path path = JsonlLayout.file(runDirectory, row.topic(), hour);
            Path topicDir = path.getParent();
            if (!Files.isDirectory(topicDir)) {
                Files.createDirectories(topicDir);
                newEntries.add(topicDir.getParent());
            }
            if (!Files.exists(path)) {
                newEntries.add(topicDir);
            }
            f = new RowFile(row.topic(), hour, path);
            open.put(key, f);
        }
        return f;
    }

    /** One appended file with its own buffer; the buffer is ours so that a sync is flush + force, nothing hidden. */
    private static final class RowFile {
        final String group;
        final long hour;
        final Path path;
        final FileChannel channel;
        final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        boolean dirty;
        long unsynced;

        RowFile(String group, long hour, Path path) throws IOException {
            this.group = group;
            this.hour = hour;
            this.path = path;
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

        /** Flush + fdatasync when the file has bytes not yet forced; true when it forced. */
        boolean sync(Disk disk) throws IOException {
            if (!dirty) {
                return false;
            }
            flush();
            disk.forceData(channel, path);
            dirty = false;
            unsynced = 0;
            return true;
        }

        void close(Disk disk) throws IOException {
            try {
                sync(disk);
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
