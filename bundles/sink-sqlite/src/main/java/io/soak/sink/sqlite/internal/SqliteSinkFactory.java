package io.soak.sink.sqlite.internal;

import com.fasterxml.jackson.core.JsonFactory;
import io.soak.api.sink.Row;
import io.soak.api.sink.Sink;
import io.soak.api.sink.SinkContext;
import io.soak.api.sink.SinkFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the {@code sqlite} sink type. Keeps the live sink of each run directory so that a reopen after a
 * crash first aborts the old instance (its open transaction and file locks would otherwise block the new one).
 */
@Component(service = SinkFactory.class)
public final class SqliteSinkFactory implements SinkFactory {

    public static final String TYPE = "sqlite";
    private static final Logger LOG = LoggerFactory.getLogger(SqliteSinkFactory.class);

    private final JsonFactory json = new JsonFactory();
    private final Map<Path, SqliteSink> live = new ConcurrentHashMap<>();

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Sink open(SinkContext context) throws Exception {
        Path key = context.runDirectory().toAbsolutePath().normalize();
        SqliteSink previous = live.remove(key);
        if (previous != null) {
            previous.abort();
        }
        SqliteSink sink = SqliteSink.open(context, json);
        live.put(key, sink);
        return sink;
    }

    /**
     * The stored rows, read without changing a byte of the run directory: a cleanly closed database is opened
     * immutable; one whose WAL still holds commits (a run that was killed) is copied to a private temporary
     * directory first, and SQLite recovers the copy. Every typed column ({@code ts_ms}, {@code symbol},
     * {@code confirm}, {@code strong}, {@code signal_type}) is compared with the row's JSON; a row whose columns
     * disagree is returned with the columns' values written into its JSON, so that the difference shows (and
     * counts) exactly as SQL over the columns would see it.
     */
    @Override
    public Stream<Row> readBack(Path runDirectory) throws Exception {
        Path db = SqliteSchema.file(runDirectory);
        if (!Files.exists(db)) {
            return Stream.empty();
        }
        Path wal = db.resolveSibling(db.getFileName() + "-wal");
        Path copy = null;
        Connection c;
        if (Files.exists(wal) && Files.size(wal) > 0) {
            copy = Files.createTempDirectory("soak-sqlite-readback-");
            Files.copy(db, copy.resolve(db.getFileName()));
            Files.copy(wal, copy.resolve(wal.getFileName()));
            c = SqliteSchema.connect(copy.resolve(db.getFileName()), "NORMAL", false);
        } else {
            c = SqliteSchema.connectImmutable(db);
        }
        Path tempCopy = copy;
        try {
            PreparedStatement ps = c.prepareStatement(SqliteSchema.READ_BACK);
            ps.setFetchSize(1000);
            ResultSet rs = ps.executeQuery();
            Iterator<Row> it = new Iterator<>() {
                Row next;
                boolean done;

                @Override
                public boolean hasNext() {
                    if (next == null && !done) {
                        try {
                            if (rs.next()) {
                                next = checked(rs);
                            } else {
                                done = true;
                            }
                        } catch (SQLException e) {
                            throw new IllegalStateException("reading " + db + " failed: " + e.getMessage(), e);
                        }
                    }
                    return next != null;
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    Row r = next;
                    next = null;
                    return r;
                }
            };
            return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL),
                    false).onClose(() -> {
                        try {
                            rs.close();
                            ps.close();
                            c.close();
                        } catch (SQLException e) {
                            LOG.debug("closing the read-back of {} failed", db, e);
                        }
                        deleteQuietly(tempCopy);
                    });
        } catch (SQLException | RuntimeException e) {
            c.close();
            deleteQuietly(tempCopy);
            throw e;
        }
    }

    /**
     * A stored row. When a typed column disagrees with the row's JSON, the JSON is returned with one more field,
     * {@code "sqlite_columns_disagree": {<column>: <stored value>, …}}: the row then differs from the other
     * sink's and from the recorded content hash (verification names it), while the counts still follow the JSON.
     */
    private Row checked(ResultSet rs) throws SQLException {
        String text = rs.getString(6);
        long ts = rs.getLong(4);
        String symbol = rs.getString(5);
        Boolean confirm = bool(rs, 7);
        Boolean strong = bool(rs, 8);
        String type = rs.getString(9);
        SqliteSink.Columns want = SqliteSink.columnsOf(json, text);
        Map<String, String> differ = new java.util.LinkedHashMap<>();
        if (!java.util.Objects.equals(want.confirm(), confirm)) {
            differ.put("confirm", String.valueOf(confirm));
        }
        if (!java.util.Objects.equals(want.strong(), strong)) {
            differ.put("strong", String.valueOf(strong));
        }
        if (!java.util.Objects.equals(want.signalType(), type)) {
            differ.put("signal_type", type == null ? "null" : TypedColumns.quote(type));
        }
        Long jsonTs = TypedColumns.longField(json, text, "ts_ms");
        if (jsonTs != null && jsonTs != ts) {
            differ.put("ts_ms", String.valueOf(ts));
        }
        String jsonSymbol = TypedColumns.stringField(json, text, "symbol");
        if (jsonSymbol != null && !jsonSymbol.equals(symbol)) {
            differ.put("symbol", symbol == null ? "null" : TypedColumns.quote(symbol));
        }
        String out = differ.isEmpty() ? text : TypedColumns.withDisagreement(text, differ);
        return new Row(rs.getString(1), rs.getString(2), rs.getLong(3), ts, symbol, out);
    }

    private static Boolean bool(ResultSet rs, int column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v != 0;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException | RuntimeException e) {
            LOG.debug("removing the read-back copy {} failed", dir, e);
        }
    }

    /** Aborts sinks still open and removes the embedded driver from the JVM-wide DriverManager (hot reload). */
    @Deactivate
    void deactivate() {
        live.values().forEach(SqliteSink::abort);
        live.clear();
        ClassLoader ours = getClass().getClassLoader();
        for (Driver d : Collections.list(DriverManager.getDrivers())) {
            if (d.getClass().getClassLoader() == ours) {
                try {
                    DriverManager.deregisterDriver(d);
                } catch (SQLException e) {
                    LOG.debug("deregistering {} failed", d, e);
                }
            }
        }
    }
}
