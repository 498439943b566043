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

    @Override
    public Stream<Row> readBack(Path runDirectory) throws Exception {
        Path db = SqliteSchema.file(runDirectory);
        if (!Files.exists(db)) {
            return Stream.empty();
        }
        Connection c = SqliteSchema.connect(db, "NORMAL", false);
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
                                next = new Row(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                                        rs.getString(5), rs.getString(6));
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
                    });
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
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
