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

    static Row fill(long seq, String symbol, long ts) {
        String json = "{\"run_id\":\"run-1\",\"topic\":\"fill\",\"seq\":" + seq + ",\"order_id\":" + seq + ",\"ts_ms\":" + ts
                + ",\"symbol\":\"" + symbol + "\"}";
        return new Row("run-1", "fill", seq, ts, symbol, json);
    }

    /** A decision, an order and a fill for each of {@code symbols} symbols at {@code ts}, seq from {@code seq}. */
    static List<Row> allTopics(int symbols, long seq, long ts) {
        List<Row> rows = new ArrayList<>();
        for (int s = 0; s < symbols; s++) {
            rows.add(decision(seq + s, "S" + s + "USDT", ts));
        }
        for (int s = 0; s < symbols; s++) {
            rows.add(order(seq + s, "S" + s + "USDT", ts));
        }
        for (int s = 0; s < symbols; s++) {
            rows.add(fill(seq + s, "S" + s + "USDT", ts));
        }
        return rows;
    }

    /**
     * Issue 16 (latency): a commit's cost must not grow with the symbols. Rows of 60 symbols on three topics in one
     * commit force at most one file per topic (and hour), not 180 (one per topic and symbol, before).
     */
    @Test
    void aCommitOfSixtySymbolsForcesOneFilePerTopicNotOnePerSymbol() throws Exception {
        io.soak.testing.fakes.FakeSinkContext context = new io.soak.testing.fakes.FakeSinkContext(dir, Map.of());
        Sink sink = factory.open(context);
        sink.write(allTopics(60, 1, T0));
        sink.commit();
        assertThat(context.metrics().counter("files_fsynced")).as("files forced by one commit of 60 symbols × 3 topics")
                .isLessThanOrEqualTo(3);

        sink.write(allTopics(60, 61, T0 + 1000));
        sink.commit();
        assertThat(context.metrics().counter("files_fsynced")).as("after the second commit").isLessThanOrEqualTo(6);
        sink.close();
        List<Row> back = readBack();
        assertThat(back).hasSize(360).containsAll(allTopics(60, 1, T0)).containsAll(allTopics(60, 61, T0 + 1000));
    }

    /**
     * The watermark's rename is made durable by an fsync of {@code signals/} (an OS crash must not bring back the
     * previous watermark): counted as {@code dirs_fsynced}, at least one per commit that moved the watermark.
     */
    @Test
    void aCommitForcesTheSignalsDirectoryAfterTheWatermarksRename() throws Exception {
        io.soak.testing.fakes.FakeSinkContext context = new io.soak.testing.fakes.FakeSinkContext(dir, Map.of());
        Sink sink = factory.open(context);
        sink.write(decisions(1, 4));
        sink.commit();
        long first = context.metrics().counter("dirs_fsynced");
        assertThat(first).as("directories forced by the first commit").isGreaterThanOrEqualTo(1);
        sink.write(decisions(5, 6)); // same hour, same file: the only new directory entry is the watermark's
        sink.commit();
        assertThat(context.metrics().counter("dirs_fsynced")).as("second commit: signals/ after the rename")
                .isEqualTo(first + 1);
        sink.commit(); // nothing new: no watermark, no directory
        assertThat(context.metrics().counter("dirs_fsynced")).isEqualTo(first + 1);
        sink.close();
    }

    /** What the sink asked of the disk, in order (each call done for real by {@link Disk}). */
    static final class RecordingDisk extends Disk {
        final List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        Path base;

        String name(Path p) {
            return base.relativize(p).toString().replace('\\', '/');
        }

        @Override
        void forceData(java.nio.channels.FileChannel channel, Path file) throws IOException {
            calls.add("data " + name(file));
            super.forceData(channel, file);
        }

        @Override
        void forceFile(java.nio.channels.FileChannel channel, Path file) throws IOException {
            calls.add("file " + name(file));
            super.forceFile(channel, file);
        }

        @Override
        void replace(Path from, Path target) throws IOException {
            calls.add("rename " + name(from) + " -> " + name(target));
            super.replace(from, target);
        }

        @Override
        void forceDirectory(Path d) throws IOException {
            calls.add("dir " + (d.equals(base) ? "." : name(d)));
            super.forceDirectory(d);
        }
    }

    /**
     * The commit protocol, in order: the data files, the directories with new entries (a new hour's file, a new
     * topic), then the watermark's temp file, its rename, and {@code signals/} — nothing acknowledged before its
     * rows and their directory entries are durable, and the rename durable before the commit returns.
     */
    @Test
    void aCommitForcesDataThenNewEntriesThenTheWatermarkThenItsDirectory() throws Exception {
        RecordingDisk disk = new RecordingDisk();
        disk.base = dir;
        JsonlSinkFactory recorded = new JsonlSinkFactory(disk);
        Sink sink = recorded.open(new io.soak.testing.fakes.FakeSinkContext(dir, Map.of()));
        sink.write(List.of(decision(1, "BTCUSDT", T0), decision(2, "ETHUSDT", T0), order(1, "BTCUSDT", T0)));
        sink.commit();
        assertThat(disk.calls.subList(0, 2)).containsExactlyInAnyOrder("data signals/decision/2024-08-08T23.jsonl",
                "data signals/order/2024-08-08T23.jsonl");
        assertThat(disk.calls.subList(2, disk.calls.size() - 3)).containsExactlyInAnyOrder("dir .", "dir signals",
                "dir signals/decision", "dir signals/order");
        assertThat(disk.calls.subList(disk.calls.size() - 3, disk.calls.size())).containsExactly(
                "file signals/_committed.json.tmp", "rename signals/_committed.json.tmp -> signals/_committed.json",
                "dir signals");

        disk.calls.clear();
        sink.write(List.of(decision(3, "BTCUSDT", T0 + 3_600_000L))); // a new hour: a new file in signals/decision
        sink.commit();
        assertThat(disk.calls).containsExactly("data signals/decision/2024-08-09T00.jsonl", "dir signals/decision",
                "file signals/_committed.json.tmp", "rename signals/_committed.json.tmp -> signals/_committed.json",
                "dir signals");
        sink.close();
    }

    /**
     * Issue 16: the open files are bounded by topics, not symbols (the baseline's {@code max_open_files < 256}):
     * rows of 60 symbols on three topics over four hours keep at most the two newest hours per topic open.
     */
    @Test
    void openFilesAreBoundedByTopicsAndHoursWhateverTheSymbols() throws Exception {
        Sink sink = open(Map.of());
        for (int h = 0; h < 4; h++) {
            sink.write(allTopics(60, 1 + h * 60L, T0 + h * 3_600_000L));
            sink.commit();
            assertThat((Integer) sink.health().facts().get("open_files")).as("hour " + h).isLessThanOrEqualTo(6);
        }
        sink.close();
        try (Stream<Path> files = Files.walk(dir.resolve("signals"))) {
            assertThat(files.filter(p -> p.toString().endsWith(".jsonl")).count()).as("one file per topic and hour")
                    .isEqualTo(12);
        }
        assertThat(readBack()).hasSize(720);
    }

    /**
     * Issue 16 (latency): a commit costs one fdatasync per file with new bytes and no more. A commit after one
     * new decision forces exactly that decision's file, and a commit with nothing new forces none (and leaves
     * the watermark alone).
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
        long forced = context.metrics().counter("files_fsynced");
        assertThat(forced).isEqualTo(2);
        Path watermark = dir.resolve("signals/_committed.json");
        java.nio.file.attribute.FileTime before = Files.getLastModifiedTime(watermark);
        Files.setLastModifiedTime(watermark, java.nio.file.attribute.FileTime.fromMillis(0));

        sink.commit();
        assertThat(context.metrics().counter("files_fsynced")).as("nothing new").isEqualTo(forced);
        assertThat(Files.getLastModifiedTime(watermark).toMillis()).as("watermark untouched").isZero();

        sink.write(List.of(decision(seq, "S7USDT", T0 + 1000)));
        sink.commit();
        assertThat(context.metrics().counter("files_fsynced")).as("one new decision").isEqualTo(forced + 1);
        assertThat(before).isNotNull();
        sink.close();
        assertThat(readBack()).hasSize(121);
    }

    @Test
    void writesOneLinePerRowUnderTopicAndUtcHour() throws Exception {
        Sink sink = open(Map.of());
        Row late = decision(3, "BTCUSDT", T0 + 3_600_000L);
        sink.write(List.of(decision(1, "BTCUSDT", T0), decision(2, "ETHUSDT", T0), late));
        sink.close();

        assertThat(Files.readAllLines(dir.resolve("signals/decision/2024-08-08T23.jsonl")))
                .containsExactly(decision(1, "BTCUSDT", T0).json(), decision(2, "ETHUSDT", T0).json());
        assertThat(Files.readAllLines(dir.resolve("signals/decision/2024-08-09T00.jsonl"))).containsExactly(late.json());
        try (Stream<Path> s = Files.list(dir.resolve("signals/decision"))) {
            assertThat(s.filter(Files::isDirectory).toList()).as("no symbol directories").isEmpty();
        }
        assertThat(readBack()).as("the symbol comes back from the row").containsExactly(decision(1, "BTCUSDT", T0),
                decision(2, "ETHUSDT", T0), late);
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

        assertThat(Files.readAllLines(dir.resolve("signals/t/2024-08-08T23.jsonl"))).containsExactly("{\"x\":1}",
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
        Path btc = dir.resolve("signals/decision/2024-08-08T23.jsonl");
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
        Path file = dir.resolve("signals/decision/2024-08-08T23.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(0, lines.get(0).substring(0, 20));
        Files.write(file, lines);
        List<Row> back = readBack();
        assertThat(back).extracting(Row::seq).containsExactly(-1L, 2L, 3L);
        assertThat(back.get(0).eventTimeMs()).as("a torn line is filed at its file's hour").isEqualTo(1_723_158_000_000L);
    }

    /** The symbol comes from the row's top-level {@code symbol} string; none, null or not a string reads as none. */
    @Test
    void readBackTakesTheSymbolFromTheRowsOwnField() throws Exception {
        Sink sink = open(Map.of());
        Row nested = new Row("run-1", "t", 1, T0, "", "{\"run_id\":\"run-1\",\"topic\":\"t\",\"seq\":1,\"x\":{\"symbol\":\"NO\"}}");
        Row nullSymbol = new Row("run-1", "t", 2, T0, "", "{\"run_id\":\"run-1\",\"topic\":\"t\",\"seq\":2,\"symbol\":null}");
        Row objectSymbol = new Row("run-1", "t", 3, T0, "", "{\"run_id\":\"run-1\",\"topic\":\"t\",\"seq\":3,\"symbol\":{\"a\":1},\"ts_ms\":"
                + T0 + "}");
        Row plain = new Row("run-1", "t", 4, T0, "SOLUSDT", "{\"run_id\":\"run-1\",\"topic\":\"t\",\"seq\":4,\"symbol\":\"SOLUSDT\"}");
        sink.write(List.of(nested, nullSymbol, objectSymbol, plain));
        sink.close();
        assertThat(readBack()).extracting(Row::seq, Row::symbol).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1L, ""), org.assertj.core.groups.Tuple.tuple(2L, ""),
                org.assertj.core.groups.Tuple.tuple(3L, ""), org.assertj.core.groups.Tuple.tuple(4L, "SOLUSDT"));
        assertThat(readBack().get(2).eventTimeMs()).as("ts_ms after an object-valued symbol is still read").isEqualTo(T0);
    }

    /** A run written before the one-file-per-topic-and-hour layout: one directory per symbol, {@code _} for none. */
    void writeOldLayoutRun() throws IOException {
        Path d = dir.resolve("signals/decision");
        Files.createDirectories(d.resolve("BTCUSDT"));
        Files.createDirectories(d.resolve("ETHUSDT"));
        Files.writeString(d.resolve("BTCUSDT/2024-08-08-23.jsonl"), decision(2, "BTCUSDT", T0 + 2000).json() + "\n"
                + decision(4, "BTCUSDT", T0 + 4000).json() + "\n");
        Files.writeString(d.resolve("BTCUSDT/2024-08-09-00.jsonl"), decision(5, "BTCUSDT", T0 + 3_600_000L).json() + "\n");
        Files.writeString(d.resolve("ETHUSDT/2024-08-08-23.jsonl"), decision(1, "ETHUSDT", T0 + 1000).json() + "\n"
                + decision(3, "ETHUSDT", T0 + 3000).json() + "\n");
        Path t = dir.resolve("signals/t/_");
        Files.createDirectories(t);
        Files.writeString(t.resolve("2024-08-08-23.jsonl"), "{\"run_id\":\"run-1\",\"topic\":\"t\",\"seq\":1}\n");
        Files.writeString(dir.resolve("signals/_committed.json"), "{\"decision\":4,\"t\":1}\n");
    }

    /** Runs written before this layout read back as before: the symbol from the directory, merged by seq. */
    @Test
    void readsARunWrittenInTheOldPerSymbolLayout() throws Exception {
        writeOldLayoutRun();
        List<Row> back = readBack();
        assertThat(back).hasSize(6);
        assertThat(back.subList(0, 5)).containsExactly(decision(1, "ETHUSDT", T0 + 1000), decision(2, "BTCUSDT", T0 + 2000),
                decision(3, "ETHUSDT", T0 + 3000), decision(4, "BTCUSDT", T0 + 4000),
                decision(5, "BTCUSDT", T0 + 3_600_000L));
        assertThat(back.get(5)).extracting(Row::topic, Row::seq, Row::symbol).containsExactly("t", 1L, "");
        assertThat(back.get(5).eventTimeMs()).as("no ts_ms: the old file name's hour").isEqualTo(1_723_158_000_000L);
    }

    /**
     * Reopening a run of the old layout (recovery) cuts its uncommitted lines there too, and goes on in the new
     * layout; the read-back merges both by seq.
     */
    @Test
    void reopeningAnOldLayoutRunRecoversItsFilesAndGoesOnInTheNewLayout() throws Exception {
        writeOldLayoutRun(); // seq 5 is above the watermark (4): never acknowledged
        Sink sink = open(Map.of());
        sink.write(decisions(5, 8));
        sink.close();
        assertThat(Files.readAllLines(dir.resolve("signals/decision/BTCUSDT/2024-08-09-00.jsonl"))).isEmpty();
        assertThat(dir.resolve("signals/decision/2024-08-08T23.jsonl")).isRegularFile();
        assertThat(readBack()).filteredOn(r -> r.topic().equals("decision")).extracting(Row::seq, Row::symbol)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, "ETHUSDT"), org.assertj.core.groups.Tuple.tuple(2L, "BTCUSDT"),
                        org.assertj.core.groups.Tuple.tuple(3L, "ETHUSDT"), org.assertj.core.groups.Tuple.tuple(4L, "BTCUSDT"),
                        org.assertj.core.groups.Tuple.tuple(5L, "ETHUSDT"), org.assertj.core.groups.Tuple.tuple(6L, "BTCUSDT"),
                        org.assertj.core.groups.Tuple.tuple(7L, "ETHUSDT"), org.assertj.core.groups.Tuple.tuple(8L, "BTCUSDT"));
    }

}
