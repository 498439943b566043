package io.soak.sink.sqlite.internal;

import io.soak.testing.fakes.FakeSinkContext;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.sink.Row;
import io.soak.api.sink.Sink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SqliteSinkTest {

    static final long T0 = 1_723_161_255_000L;

    @TempDir
    Path dir;

    final SqliteSinkFactory factory = new SqliteSinkFactory();

    static Row decision(long seq, String symbol, boolean confirm, boolean strong, String type) {
        String json = "{\"run_id\":\"run-1\",\"topic\":\"decision\",\"seq\":" + seq + ",\"ts_ms\":" + (T0 + seq) + ",\"symbol\":\""
                + symbol + "\",\"score\":1.5,\"guard_reasons\":[\"warmup\"],\"confirm\":" + confirm + ",\"signal_type\":\"" + type
                + "\",\"strong\":" + strong + "}";
        return new Row("run-1", "decision", seq, T0 + seq, symbol, json);
    }

    static List<Row> decisions(long from, long to) {
        List<Row> out = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            out.add(decision(s, s % 2 == 0 ? "BTCUSDT" : "ETHUSDT", s % 3 == 0, s % 6 == 0, s % 3 == 0 ? "buy" : "neutral"));
        }
        return out;
    }

    FakeSinkContext context(Map<String, Object> settings) {
        return new FakeSinkContext(dir, settings);
    }

    List<Row> readBack() throws Exception {
        try (Stream<Row> s = factory.readBack(dir)) {
            return s.toList();
        }
    }

    long count(String sql) throws Exception {
        try (Connection c = SqliteSchema.connect(dir.resolve("signals.db"), "NORMAL", false);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void storesRowsWithQueryColumnsAndReadsThemBackInTopicSeqOrder() throws Exception {
        Sink sink = factory.open(context(Map.of()));
        Row order = new Row("run-1", "order", 1, T0, "BTCUSDT", "{\"run_id\":\"run-1\",\"topic\":\"order\",\"seq\":1}");
        sink.write(List.of(order));
        sink.write(decisions(1, 12));
        sink.close();

        List<Row> back = readBack();
        assertThat(back.subList(0, 12)).containsExactlyElementsOf(decisions(1, 12));
        assertThat(back.get(12)).isEqualTo(order);
        assertThat(count("SELECT count(*) FROM signals WHERE confirm = 1")).isEqualTo(4);
        assertThat(count("SELECT count(*) FROM signals WHERE strong = 1 AND signal_type = 'buy'")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM signals WHERE topic = 'order' AND confirm IS NULL")).isEqualTo(1);
    }

    @Test
    void ignoresAnIdenticalRedeliveredRow() throws Exception {
        FakeSinkContext ctx = context(Map.of());
        Sink sink = factory.open(ctx);
        sink.write(decisions(1, 5));
        sink.commit();
        sink.write(decisions(3, 7));
        sink.close();

        assertThat(readBack()).containsExactlyElementsOf(decisions(1, 7));
        assertThat(ctx.metrics().counters()).containsEntry("rows_redelivered_ignored", 3L).doesNotContainKey("conflicts");
    }

    @Test
    void keepsTheFirstRowAndCountsAConflictWhenTheSameKeyArrivesWithOtherContents() throws Exception {
        FakeSinkContext ctx = context(Map.of());
        Sink sink = factory.open(ctx);
        Row first = decision(1, "BTCUSDT", true, true, "strong_buy");
        sink.write(List.of(first));
        sink.commit();
        sink.write(List.of(decision(1, "BTCUSDT", false, false, "neutral")));
        sink.close();

        assertThat(readBack()).containsExactly(first);
        assertThat(ctx.metrics().counters()).containsEntry("conflicts", 1L);
    }

    @Test
    void keepsTwoRowsWithIdenticalContentButDifferentSeq() throws Exception {
        Sink sink = factory.open(context(Map.of()));
        Row a = new Row("run-1", "t", 1, T0, "BTCUSDT", "{\"x\":1}");
        Row b = new Row("run-1", "t", 2, T0, "BTCUSDT", "{\"x\":1}");
        sink.write(List.of(a, b));
        sink.close();
        assertThat(readBack()).containsExactly(a, b);
    }

    @Test
    void crashMidBatchThenReopenKeepsEveryRowOnceAndNothingAcknowledgedIsLost() throws Exception {
        FakeSinkContext ctx = context(Map.of("batch_rows", 5));
        Sink first = factory.open(ctx);
        first.write(decisions(1, 4));
        first.commit(); // acknowledged 1..4
        first.write(decisions(5, 9)); // a full transaction committed by size, not acknowledged
        first.write(decisions(10, 12)); // in the open transaction when the crash comes
        // crash: the engine never closes the instance, it reopens the sink and redelivers from seq 5

        FakeSinkContext ctx2 = context(Map.of("batch_rows", 5));
        Sink second = factory.open(ctx2);
        second.write(decisions(5, 14));
        second.close();

        assertThat(readBack()).extracting(Row::seq).containsExactlyElementsOf(LongStream.rangeClosed(1, 14).boxed().toList());
        assertThat(readBack()).containsExactlyElementsOf(decisions(1, 14));
        assertThat(ctx2.metrics().counters()).containsEntry("rows_redelivered_ignored", 5L).doesNotContainKey("conflicts");
    }

    @Test
    void aFailedWriteReleasesTheDatabaseForTheReopenedSink() throws Exception {
        Sink first = factory.open(context(Map.of()));
        first.write(decisions(1, 3));
        Row broken = new Row("run-1", "decision", 4, T0, "BTCUSDT", null); // NOT NULL json: the write fails
        try {
            first.write(List.of(broken));
        } catch (Exception expected) {
            // the sink crashed; the engine reopens it
        }
        Sink second = new SqliteSinkFactory().open(context(Map.of()));
        second.write(decisions(1, 4));
        second.close();
        assertThat(readBack()).containsExactlyElementsOf(decisions(1, 4));
    }

    @Test
    void closeCheckpointsTheWriteAheadLog() throws Exception {
        Sink sink = factory.open(context(Map.of()));
        sink.write(decisions(1, 2000));
        sink.close();
        Path wal = dir.resolve("signals.db-wal");
        assertThat(!Files.exists(wal) || Files.size(wal) == 0).as("WAL empty after close").isTrue();
        assertThat(count("SELECT count(*) FROM signals")).isEqualTo(2000);
        assertThat(count("SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'")).isEqualTo(1);
    }

    @Test
    void readBackOfARunWithoutDatabaseIsEmpty() throws Exception {
        assertThat(readBack()).isEmpty();
    }
}
