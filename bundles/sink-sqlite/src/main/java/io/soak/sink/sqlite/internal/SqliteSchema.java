package io.soak.sink.sqlite.internal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.sqlite.SQLiteConfig;

/** The on-disk format of the SQLite sink, in one place: file name, table, columns, indexes, connections. */
final class SqliteSchema {

    static final String FILE = io.soak.api.run.RunDirectory.SQLITE;
    static final String TABLE = "signals";

    static final String CREATE = """
            CREATE TABLE IF NOT EXISTS signals (
              run_id      TEXT    NOT NULL,
              topic       TEXT    NOT NULL,
              seq         INTEGER NOT NULL,
              ts_ms       INTEGER NOT NULL,
              symbol      TEXT    NOT NULL,
              confirm     INTEGER,
              strong      INTEGER,
              signal_type TEXT,
              json        TEXT    NOT NULL,
              PRIMARY KEY (run_id, topic, seq)
            )""";
    /** Per-symbol time-range queries of the reports (minute tables, last decisions of a symbol). */
    static final String INDEX = "CREATE INDEX IF NOT EXISTS signals_topic_symbol_ts ON signals (topic, symbol, ts_ms)";

    static final String INSERT = "INSERT OR IGNORE INTO signals "
            + "(run_id, topic, seq, ts_ms, symbol, confirm, strong, signal_type, json) VALUES (?,?,?,?,?,?,?,?,?)";
    static final String SELECT_JSON = "SELECT json FROM signals WHERE run_id = ? AND topic = ? AND seq = ?";
    static final String READ_BACK = "SELECT run_id, topic, seq, ts_ms, symbol, json, confirm, strong, signal_type"
            + " FROM signals ORDER BY topic, seq";

    private SqliteSchema() {
    }

    static Path file(Path runDirectory) {
        return runDirectory.resolve(FILE);
    }

    /**
     * A connection to a run's database. Opened through {@link SQLiteConfig} directly, not DriverManager
     * (which does not see drivers of a bundle's class loader reliably inside OSGi).
     */
    static Connection connect(Path db, String synchronous, boolean readOnly) throws SQLException {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
        cfg.setSynchronous(SQLiteConfig.SynchronousMode.valueOf(synchronous.toUpperCase(java.util.Locale.ROOT)));
        cfg.setBusyTimeout(5000);
        cfg.setReadOnly(readOnly);
        Properties p = cfg.toProperties();
        return new org.sqlite.JDBC().connect("jdbc:sqlite:" + db.toAbsolutePath(), p);
    }

    /**
     * A connection that cannot change a byte of the database: opened read-only with {@code immutable=1} (no
     * locks, no -shm/-wal files created, no checkpoint on close). Only for a database without a WAL holding
     * commits (a cleanly closed sink); {@link SqliteSinkFactory#readBack} copies the files otherwise.
     */
    static Connection connectImmutable(Path db) throws SQLException {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setReadOnly(true);
        cfg.setOpenMode(org.sqlite.SQLiteOpenMode.OPEN_URI);
        return new org.sqlite.JDBC().connect("jdbc:sqlite:" + db.toAbsolutePath().toUri() + "?immutable=1",
                cfg.toProperties());
    }

    static void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(CREATE);
            s.execute(INDEX);
        }
    }
}
