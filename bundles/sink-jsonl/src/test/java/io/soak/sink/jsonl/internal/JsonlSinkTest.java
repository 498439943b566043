package io.soak.sink.jsonl.internal;

import io.soak.testing.fakes.FakeSinkContext;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.sink.Row;
import io.soak.api.sink.Sink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JsonlSinkTest {

    static final long T0 = 1_723_161_255_000L; // 2024-08-08T23:54:15Z

    @TempDir
    Path dir;

    final JsonlSinkFactory factory = new JsonlSinkFactory();

    static Row decision(long seq, String symbol, long ts) {
        String json = "{\"run_id\":\"run-1\",\"topic\":\"decision\",\"seq\":" + seq + ",\"ts_ms\":" + ts + ",\"symbol\":\""
                + symbol + "\",\"score\":0.5,\"confirm\":false}";
        return new Row("run-1", "decision", seq, ts, symbol, json);
    }

    static Row order(long seq, String symbol, long ts) {
        String json = "{\"run_id\":\"run-1\",\"topic\":\"order\",\"seq\":" + seq + ",\"order_id\":" + seq + ",\"ts_ms\":" + ts
                + ",\"symbol\":\"" + symbol + "\"}";
        return new Row("run-1", "order", seq, ts, symbol, json);
    }

    /** Rows 1..n of topic decision alternating two symbols, one second apart. */
    static List<Row> decisions(int from, int to) {
        List<Row> out = new ArrayList<>();
        for (int s = from; s <= to; s++) {
            out.add(decision(s, s % 2 == 0 ? "BTCUSDT" : "ETHUSDT", T0 + s * 1000L));
        }
        return out;
    }

    List<Row> readBack() throws Exception {
        try (Stream<Row> s = factory.readBack(dir)) {
            return s.toList();
        }
    }

    Sink open(Map<String, Object> settings) throws Exception {
        return factory.open(new FakeSinkContext(dir, settings));
    }

    /**
     * Issue 16 (latency): a commit costs one fdatasync per file with new bytes and no more. 60 symbols × two
     * topics are open; a commit after one new decision forces exactly that decision's file, and a commit
     * with nothing new forces none (and leaves the watermark alone).
     */
    @Test
    void aCommitForcesOnlyTheFilesWithNewBytes() throws Exception {
        io.soak.testing.fakes.FakeSinkContext context = new io.soak.testing.fakes.FakeSinkContext(dir, Map.of());
        Sink sink = factory.open(context);
        List<Row> rows = new ArrayList<>();
        long seq = 1;
        for (int s = 0; s < 60; s++) {
            rows.add(decision(seq, "S" + s + "USDT", T0));
            rows.add(order(seq, "S" + s + "USDT", T0));
            seq++;
        }
        sink.write(rows);
        sink.commit();
        assertThat(context.metrics().counter("files_fsynced")).isEqualTo(120);
        Path watermark = dir.resolve("signals/_committed.json");
        java.nio.file.attribute.FileTime before = Files.getLastModifiedTime(watermark);
        Files.setLastModifiedTime(watermark, java.nio.file.attribute.FileTime.fromMillis(0));

        sink.commit();
        assertThat(context.metrics().counter("files_fsynced")).as("nothing new").isEqualTo(120);
        assertThat(Files.getLastModifiedTime(watermark).toMillis()).as("watermark untouched").isZero();

        sink.write(List.of(decision(seq, "S7USDT", T0 + 1000)));
        sink.commit();
        assertThat(context.metrics().counter("files_fsynced")).as("one new decision").isEqualTo(121);
        assertThat(before).isNotNull();
        sink.close();
        assertThat(readBack()).hasSize(121);
    }

    @Test
    void writesOneLinePerRowUnderTopicSymbolAndUtcHour() throws Exception {
        Sink sink = open(Map.of());
        Row late = decision(3, "BTCUSDT", T0 + 3_600_000L);
        sink.write(List.of(decision(1, "BTCUSDT", T0), decision(2, "ETHUSDT", T0), late));
        sink.close();

        Path btc = dir.resolve("signals/decision/BTCUSDT/2024-08-08-23.jsonl");
        assertThat(Files.readAllLines(btc)).containsExactly(decision(1, "BTCUSDT", T0).json());
        assertThat(Files.readAllLines(dir.resolve("signals/decision/BTCUSDT/2024-08-09-00.jsonl")))
                .containsExactly(late.json());
        assertThat(Files.readAllLines(dir.resolve("signals/decision/ETHUSDT/2024-08-08-23.jsonl"))).hasSize(1);
    }

    @Test
    void readBackOrdersByTopicThenSeqAcrossSymbolsAndHours() throws Exception {
        Sink sink = open(Map.of());
        List<Row> rows = new ArrayList<>();
        for (int s = 1; s <= 50; s++) {
            rows.add(decision(s, s % 3 == 0 ? "BTCUSDT" : "ETHUSDT", T0 + s * 120_000L));
            rows.add(order(s, "BTCUSDT", T0 + s * 120_000L));
        }
        sink.write(rows);
        sink.close();

        List<Row> back = readBack();
        assertThat(back).hasSize(100);
        assertThat(back.subList(0, 50)).extracting(Row::topic).containsOnly("decision");
        assertThat(back.subList(0, 50)).extracting(Row::seq).isSorted().doesNotHaveDuplicates();
        assertThat(back.subList(50, 100)).extracting(Row::topic).containsOnly("order");
        assertThat(back).containsAll(rows);
    }

    @Test
    void skipsRedeliveredRowsWithinOneInstance() throws Exception {
        Sink sink = open(Map.of());
        sink.write(decisions(1, 10));
        sink.write(decisions(6, 12));
        sink.commit();
        sink.close();

        assertThat(readBack()).extracting(Row::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
    }

    @Test
    void keepsTwoRowsWithIdenticalContentButDifferentSeq() throws Exception {
        Sink sink = open(Map.of());
        Row a = new Row("run-1", "t", 1, T0, "BTCUSDT", "{\"x\":1}");
        Row b = new Row("run-1", "t", 2, T0, "BTCUSDT", "{\"x\":1}");
        // a line without run_id/seq cannot identify itself: the sink still keeps both, in order
        sink.write(List.of(a, b));
        sink.close();

        assertThat(Files.readAllLines(dir.resolve("signals/t/BTCUSDT/2024-08-08-23.jsonl"))).containsExactly("{\"x\":1}",
                "{\"x\":1}");
        Sink again = open(Map.of());
        Row c = decision(1, "BTCUSDT", T0);
        Row d = new Row("run-1", "decision", 2, T0, "BTCUSDT", c.json().replace("\"seq\":1", "\"seq\":2"));
        again.write(List.of(c, d));
        again.close();
        assertThat(readBack()).filteredOn(r -> r.topic().equals("decision")).extracting(Row::seq).containsExactly(1L, 2L);
    }

    @Test
    void crashAfterPartialFlushLosesNothingAcknowledgedAndDuplicatesNothing() throws Exception {
        // tiny fsync batch so that some files are flushed past the commit and others are not
        Sink first = open(Map.of("fsync_rows", 3, "fsync_ms", 60_000));
        first.write(decisions(1, 10));
        first.commit(); // acknowledged: 1..10
        first.write(decisions(11, 17)); // partly synced (15), partly in buffers: lost on the crash
        // crash: the instance is dropped, never closed

        Sink second = open(Map.of("fsync_rows", 1000));
        second.write(decisions(11, 20)); // the engine redelivers everything after the acknowledged commit
        second.close();

        List<Row> back = readBack();
        assertThat(back).extracting(Row::seq).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList());
        assertThat(back).containsExactlyElementsOf(decisions(1, 20));
    }

    @Test
    void crashMidLineCutsTheTornLineAndRewritesIt() throws Exception {
        Sink first = open(Map.of());
        first.write(decisions(1, 4));
        first.commit();
        Path btc = dir.resolve("signals/decision/BTCUSDT/2024-08-08-23.jsonl");
        // what a crash in the middle of a write leaves: a complete uncommitted row and a torn one
        Files.writeString(btc, decision(6, "BTCUSDT", T0 + 6000).json() + "\n{\"run_id\":\"run-1\",\"topic\":\"deci",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        Sink second = open(Map.of());
        second.write(decisions(5, 8));
        second.close();

        assertThat(readBack()).containsExactlyElementsOf(decisions(1, 8));
        assertThat(Files.readString(btc)).endsWith("}\n");
    }

    @Test
    void reopenWithoutAnyCommitStartsFromNothing() throws Exception {
        Sink first = open(Map.of("fsync_rows", 1));
        first.write(decisions(1, 5)); // synced but never acknowledged
        Sink second = open(Map.of());
        second.write(decisions(1, 5));
        second.close();
        assertThat(readBack()).containsExactlyElementsOf(decisions(1, 5));
    }

    @Test
    void readBackOfAnEmptyRunDirectoryIsEmpty() throws Exception {
        assertThat(readBack()).isEmpty();
    }

    @Test
    void readBackShowsACorruptedLineInsteadOfHidingIt() throws Exception {
        Sink sink = open(Map.of());
        sink.write(decisions(1, 3));
        sink.close();
        Path eth = dir.resolve("signals/decision/ETHUSDT/2024-08-08-23.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(eth));
        lines.set(0, lines.get(0).substring(0, 20));
        Files.write(eth, lines);
        assertThat(readBack()).extracting(Row::seq).containsExactly(-1L, 2L, 3L);
    }

}
