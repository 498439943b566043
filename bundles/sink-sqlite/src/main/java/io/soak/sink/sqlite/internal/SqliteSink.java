package io.soak.sink.sqlite.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.soak.api.sink.Row;
import io.soak.api.sink.Sink;
import io.soak.api.sink.SinkContext;
import io.soak.api.stage.HealthReport;
import io.soak.api.stage.HealthState;
import io.soak.api.stage.StageMetrics;
import io.soak.api.time.Clock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run's SQLite sink. Rows go into an open transaction in JDBC batches; the transaction commits when it
 * holds {@code batch_rows} rows or is {@code batch_ms} ms (engine time) old, and on every engine commit.
 * Idempotent by the primary key (run_id, topic, seq) with INSERT OR IGNORE: an ignored row whose json
 * differs from the stored one is a conflict (counted, logged, the first one kept), an identical one a
 * redelivery.
 */
final class SqliteSink implements Sink {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteSink.class);
    private static final int JDBC_BATCH = 1000;

    private final Connection connection;
    private final PreparedStatement insert;
    private final PreparedStatement selectJson;
    private final JsonFactory json;
    private final StageMetrics metrics;
    private final Clock clock;
    private final long batchRows;
    private final long batchMs;
    private final List<Row> pending = new ArrayList<>(JDBC_BATCH);
    private long txRows;
    private long txStartMs = -1;
    private long lastCommitMs;
    private volatile boolean dead;

    private SqliteSink(Connection connection, SinkContext context, JsonFactory json) throws SQLException {
        this.connection = connection;
        this.insert = connection.prepareStatement(SqliteSchema.INSERT);
        this.selectJson = connection.prepareStatement(SqliteSchema.SELECT_JSON);
        this.json = json;
        this.metrics = context.metrics();
        this.clock = context.clock();
        this.batchRows = Math.max(1, context.config().integer("batch_rows", 10_000));
        this.batchMs = Math.max(0, context.config().integer("batch_ms", 1000));
        this.lastCommitMs = clock.millis();
    }

    static SqliteSink open(SinkContext context, JsonFactory json) throws SQLException, IOException {
        Files.createDirectories(context.runDirectory());
        String sync = context.config().string("synchronous", "NORMAL");
        Connection c = SqliteSchema.connect(SqliteSchema.file(context.runDirectory()), sync, false);
        try {
            try (Statement st = c.createStatement()) {
                // fewer, larger checkpoints: each one fsyncs the WAL and the database (WAL mode, NORMAL)
                st.execute("PRAGMA wal_autocheckpoint=" + Math.max(100, context.config().integer("checkpoint_pages", 10_000)));
                st.execute("PRAGMA cache_size=-" + Math.max(2_000, context.config().integer("cache_kib", 4_096)));
            }
            c.setAutoCommit(false);
            SqliteSchema.create(c);
            c.commit();
            return new SqliteSink(c, context, json);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    @Override
    public void write(List<Row> rows) throws SQLException {
        alive();
        try {
            for (Row r : rows) {
                bind(r);
                pending.add(r);
                if (pending.size() >= JDBC_BATCH) {
                    executePending();
                }
            }
            if (txRows + pending.size() >= batchRows || (txStartMs >= 0 && clock.millis() - txStartMs >= batchMs)) {
                commitTransaction();
            }
        } catch (SQLException | RuntimeException e) {
            abort();
            throw e;
        }
    }

    @Override
    public void commit() throws SQLException {
        alive();
        try {
            commitTransaction();
            lastCommitMs = clock.millis();
            metrics.increment("commits");
        } catch (SQLException | RuntimeException e) {
            abort();
            throw e;
        }
    }

    @Override
    public void close() throws SQLException {
        if (dead) {
            return;
        }
        try {
            commitTransaction();
            connection.setAutoCommit(true);
            try (Statement s = connection.createStatement()) {
                s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
        } finally {
            dead = true;
            insert.close();
            selectJson.close();
            connection.close();
        }
    }

    @Override
    public HealthReport health() {
        if (dead) {
            return HealthReport.of(HealthState.UNHEALTHY, "closed");
        }
        return new HealthReport(HealthState.HEALTHY, "", Map.of("commit_age_ms", clock.millis() - lastCommitMs,
                "open_transaction_rows", txRows + pending.size()));
    }

    /**
     * Drops this instance without committing: rolls back the open transaction and closes the connection so
     * that its locks go with it. Called when a call failed (the engine will reopen and redeliver) and by the
     * factory when the engine reopens the run's sink while this instance was never closed.
     */
    void abort() {
        if (dead) {
            return;
        }
        dead = true;
        pending.clear();
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.debug("rollback of an aborted sqlite sink failed", e);
        }
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("close of an aborted sqlite sink failed", e);
        }
    }

    private void alive() {
        if (dead) {
            throw new IllegalStateException("sqlite sink is closed or was replaced by a reopened instance");
        }
    }

    private void bind(Row r) throws SQLException {
        insert.setString(1, r.runId());
        insert.setString(2, r.topic());
        insert.setLong(3, r.seq());
        insert.setLong(4, r.eventTimeMs());
        insert.setString(5, r.symbol() == null ? "" : r.symbol());
        Columns c = columns(r.json());
        if (c.confirm == null) {
            insert.setNull(6, Types.INTEGER);
        } else {
            insert.setInt(6, c.confirm ? 1 : 0);
        }
        if (c.strong == null) {
            insert.setNull(7, Types.INTEGER);
        } else {
            insert.setInt(7, c.strong ? 1 : 0);
        }
        insert.setString(8, c.signalType);
        insert.setString(9, r.json());
        insert.addBatch();
        if (txStartMs < 0) {
            txStartMs = clock.millis();
        }
    }

    private void executePending() throws SQLException {
        if (pending.isEmpty()) {
            return;
        }
        int[] counts = insert.executeBatch();
        long inserted = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] == 0) {
                ignored(pending.get(i));
            } else {
                inserted++;
            }
        }
        metrics.add("rows_written", inserted);
        txRows += pending.size();
        pending.clear();
    }

    /** An INSERT OR IGNORE that hit an existing key: a redelivery when identical, else a conflict (first kept). */
    private void ignored(Row r) throws SQLException {
        selectJson.setString(1, r.runId());
        selectJson.setString(2, r.topic());
        selectJson.setLong(3, r.seq());
        try (ResultSet rs = selectJson.executeQuery()) {
            String stored = rs.next() ? rs.getString(1) : null;
            if (r.json().equals(stored)) {
                metrics.increment("rows_redelivered_ignored");
            } else {
                metrics.increment("conflicts");
                LOG.warn("sqlite sink: row ({}, {}, {}) arrived again with different contents; the first one is kept",
                        r.runId(), r.topic(), r.seq());
            }
        }
    }

    private void commitTransaction() throws SQLException {
        executePending();
        if (txRows > 0) {
            connection.commit();
            metrics.increment("transactions");
        }
        txRows = 0;
        txStartMs = -1;
    }

    /** The typed query columns of a row (also what the read-back compares the stored columns with). */
    record Columns(Boolean confirm, Boolean strong, String signalType) {
    }

    private static final Columns NONE = new Columns(null, null, null);

    private Columns columns(String text) {
        return columnsOf(json, text);
    }

    /** The query columns of a decision row; nulls for rows that do not have them. */
    static Columns columnsOf(JsonFactory json, String text) {
        if (!text.contains("\"signal_type\"")) {
            return NONE;
        }
        Boolean confirm = null;
        Boolean strong = null;
        String type = null;
        try (JsonParser p = json.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return NONE;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "confirm" -> confirm = v.isBoolean() ? v == JsonToken.VALUE_TRUE : null;
                    case "strong" -> strong = v.isBoolean() ? v == JsonToken.VALUE_TRUE : null;
                    case "signal_type" -> type = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            // not our business to reject a row: it is stored as given, without query columns
            return NONE;
        }
        return new Columns(confirm, strong, type);
    }

    static Path file(Path runDirectory) {
        return SqliteSchema.file(runDirectory);
    }
}
