package io.soak.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.soak.api.source.RawMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11, market data items 1, 2, 5, 6 at the capture level: bad files never crash, never move the clock. */
class CaptureHostileInputTest {

    @TempDir
    Path tmp;

    /** The first {@code n} lines of a recording. */
    static List<RawMessage> head(String file, int n) throws IOException {
        List<RawMessage> out = new ArrayList<>();
        try (CaptureReader in = new CaptureReader(CaptureReplayTest.data().resolve(file))) {
            RawMessage m;
            while (out.size() < n && (m = in.next()) != null) {
                out.add(m);
            }
        }
        return out;
    }

    Path gzip(String name, List<String> lines) throws IOException {
        Path p = tmp.resolve(name);
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(p))) {
            for (String l : lines) {
                o.write((l + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return p;
    }

    private static int digitsEnd(String s, int from) {
        int i = from;
        while (Character.isDigit(s.charAt(i))) {
            i++;
        }
        return i;
    }

    static List<String> lines(List<RawMessage> ms) {
        return ms.stream().map(CaptureReader::formatLine).toList();
    }

    static List<RawMessage> all(CaptureReplay r, int max) throws IOException {
        List<RawMessage> out = new ArrayList<>();
        RawMessage m;
        while (out.size() < max && (m = r.next()) != null) {
            out.add(m);
        }
        return out;
    }

    static CaptureReplay replay(boolean loop, Path... files) throws IOException {
        return new CaptureReplay(new CaptureReplay.Options(List.of(files), List.of(), Map.of(), loop, 1_000_000_000L));
    }

    @Test
    void microsecondReceiveTimesAreDetectedAndReplayedAsNanoseconds() throws IOException {
        List<RawMessage> src = head("btcusdt_20240808.gz", 2_000);
        List<String> micros = src.stream().map(m -> (m.receivedNanos() / 1_000) + " " + m.text()).toList();
        Path f = gzip("btcusdt_micros.gz", micros);
        try (CaptureReplay r = replay(false, f)) {
            List<RawMessage> got = all(r, 10_000);
            assertThat(got).hasSize(2_000);
            // the clock stays in 2024, within a microsecond of the recorded nanoseconds
            assertThat(got.get(0).receivedNanos()).isBetween(src.get(0).receivedNanos() - 1_000, src.get(0).receivedNanos());
            assertThat(r.describe().toString()).contains("time_unit=us");
        }
    }

    @Test
    void milliAndNanoLayoutsAreDetectedToo() throws IOException {
        List<RawMessage> src = head("ethusdt_20240808.gz", 300);
        Path ms = gzip("eth_ms.gz", src.stream().map(m -> (m.receivedNanos() / 1_000_000) + " " + m.text()).toList());
        try (CaptureReplay r = replay(false, ms)) {
            assertThat(all(r, 1_000)).hasSize(300).allSatisfy(m ->
                    assertThat(m.receivedNanos()).isGreaterThan(1_700_000_000_000_000_000L));
            assertThat(r.describe().toString()).contains("time_unit=ms");
        }
    }

    @Test
    void aTimeThatIsNotANumberIsPassedOnAtEveryLoopPassNotFatalAtTheSecond() throws IOException {
        // the loop shift read "E":- as a number: NumberFormatException, so a looped replay died at its second pass
        List<String> ls = new ArrayList<>(lines(head("btcusdt_20240808.gz", 500)));
        String l = ls.get(250);
        int e = l.indexOf("\"E\":") + 4;
        ls.set(250, l.substring(0, e) + "-" + l.substring(digitsEnd(l, e)));
        String m = ls.get(251);
        int t = m.indexOf("\"E\":") + 4;
        ls.set(251, m.substring(0, t) + "99999999999999999999999" + m.substring(digitsEnd(m, t)));
        Path f = gzip("btcusdt_20240808.gz", ls);
        try (CaptureReplay r = replay(true, f)) {
            List<RawMessage> got = all(r, 1_600);
            assertThat(got).hasSize(1_600);
            assertThat(got.stream().filter(x -> x.text().matches(".*\"E\":-[,}].*"))).hasSize(3);
            assertThat(got.stream().filter(x -> x.text().matches(".*\"E\":99999999999999999999999[,}].*"))).hasSize(3);
            assertThat(r.completedLoops()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void oneReceiveTimeInTheFutureIsRejectedCountedAndTheReplayGoesOn() throws IOException {
        List<String> ls = new ArrayList<>(lines(head("btcusdt_20240808.gz", 2_000)));
        String l = ls.get(598);
        ls.set(598, "4102444800000000000" + l.substring(l.indexOf(' '))); // 2100-01-01
        String k = ls.get(900);
        ls.set(900, "9999999999999999999" + k.substring(k.indexOf(' '))); // overflows a long
        String n = ls.get(901);
        ls.set(901, "-17" + n.substring(n.indexOf(' ')));
        Path f = gzip("btcusdt_20240808.gz", ls);
        try (CaptureReplay r = replay(false, f)) {
            List<RawMessage> got = all(r, 10_000);
            assertThat(got).hasSize(1_997);
            assertThat(got).allSatisfy(m -> assertThat(m.receivedNanos()).isBetween(1_723_161_000_000_000_000L,
                    1_723_162_000_000_000_000L));
            Map<String, Object> d = r.describe();
            assertThat(d).containsEntry("out_of_range_lines", 1L).containsEntry("malformed_lines", 2L);
        }
    }

    @Test
    void anExchangeTimeInTheYear2100IsRejectedByTheReplay() throws IOException {
        List<String> ls = new ArrayList<>(lines(head("btcusdt_20240808.gz", 500)));
        int at = 300;
        while (!ls.get(at).contains("@trade")) {
            at++;
        }
        ls.set(at, ls.get(at).replaceFirst("\"E\":\\d+", "\"E\":4102444800000"));
        Path f = gzip("btc.gz", ls);
        try (CaptureReplay r = replay(false, f)) {
            assertThat(all(r, 1_000)).hasSize(499).noneMatch(m -> m.text().contains("4102444800000"));
            assertThat(r.describe()).containsEntry("out_of_range_lines", 1L);
        }
    }

    @Test
    void aTruncatedGzipReplaysItsReadablePartThenWarnsWithFileAndOffset() throws IOException {
        Path whole = gzip("btcusdt_whole.gz", lines(head("btcusdt_20240808.gz", 5_000)));
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = tmp.resolve("btcusdt_cut.gz");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length * 6 / 10));
        try (CaptureReplay r = replay(false, cut)) {
            List<RawMessage> got = all(r, 10_000);
            assertThat(got.size()).isBetween(2_000, 4_999);
            List<String> warnings = r.warnings();
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0)).contains("btcusdt_cut.gz").contains("truncated").contains("offset");
            assertThat(r.describe().toString()).contains("truncated_at_offset");
        }
    }

    @Test
    void anEmptyAPlainTextAndAnUnreadableFileAreRefusedNamingTheFile() throws IOException {
        Path empty = Files.write(tmp.resolve("empty.gz"), new byte[0]);
        Path text = Files.writeString(tmp.resolve("notes.gz"), "hello\nthis is not a capture\n");
        Path binary = Files.write(tmp.resolve("binary.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
        for (Path p : List.of(empty, text, binary)) {
            assertThatThrownBy(() -> CaptureFiles.check(p)).isInstanceOf(CaptureFileException.class)
                    .hasMessageContaining(p.getFileName().toString());
            assertThatThrownBy(() -> replay(false, p)).isInstanceOf(CaptureFileException.class)
                    .hasMessageContaining(p.getFileName().toString());
        }
        assertThatThrownBy(() -> CaptureFiles.check(text)).hasMessageContaining("line 1");
    }

    @Test
    void theSymbolComesFromEachMessageNotFromTheFileName() throws IOException {
        // one file holding both symbols under a name that names neither
        Path mixed = tmp.resolve("session.gz");
        List<RawMessage> both = new ArrayList<>(head("btcusdt_20240808.gz", 200));
        both.addAll(head("ethusdt_20240808.gz", 200).stream().filter(m -> !m.text().startsWith("{\"lastUpdateId\"")).toList());
        both.sort(java.util.Comparator.comparingLong(RawMessage::receivedNanos));
        gzip("session.gz", lines(both));
        try (CaptureReplay r = new CaptureReplay(new CaptureReplay.Options(List.of(mixed),
                List.of("BTCUSDT", "SOLUSDT"), Map.of("SOLUSDT", "ETHUSDT"), false, 0))) {
            List<RawMessage> got = all(r, 10_000);
            Map<String, Integer> prefixes = new HashMap<>();
            for (RawMessage m : got) {
                String s = CaptureTransform.streamOf(m.text());
                prefixes.merge(s == null ? "(bare)" : s.substring(0, s.indexOf('@')), 1, Integer::sum);
            }
            // eth is served only as its alias, btc as itself; no eth message is mistaken for btc
            assertThat(prefixes).containsOnlyKeys("btcusdt", "solusdt");
            assertThat(got.stream().filter(m -> m.text().contains("\"s\":\"BTCUSDT\"")).count())
                    .isEqualTo(both.stream().filter(m -> m.text().contains("\"s\":\"BTCUSDT\"")).count());
            assertThat(got.stream().filter(m -> m.text().contains("\"s\":\"SOLUSDT\"")).count())
                    .isEqualTo(both.stream().filter(m -> m.text().contains("\"s\":\"ETHUSDT\"")).count());
        }
    }

    @Test
    void idsShiftPerSymbolAcrossAllItsFilesWhenLooping() throws IOException {
        List<RawMessage> src = head("btcusdt_20240808.gz", 3_000);
        Path a = gzip("btcusdt_20240808.gz", lines(src.subList(0, 1_500)));
        Path b = gzip("btcusdt_20240809.gz", lines(src.subList(1_500, 3_000)));
        try (CaptureReplay r = replay(true, a, b)) {
            java.util.Set<Long> tradeIds = new java.util.HashSet<>();
            long dupes = 0;
            for (RawMessage m : all(r, 3_000 * 3 + 10)) {
                String s = CaptureTransform.streamOf(m.text());
                if (s != null && s.endsWith("@trade") && !tradeIds.add(CaptureReplay.numberField(m.text(), "\"t\":"))) {
                    dupes++;
                }
            }
            assertThat(dupes).isZero();
            assertThat(r.completedLoops()).isEqualTo(3);
        }
    }

    @Test
    void aLoopedPassStartsWithASeamSnapshotAboveEveryUpdateIdOfThePassBefore() throws IOException {
        Path f = gzip("btcusdt_20240808.gz", lines(head("btcusdt_20240808.gz", 400)));
        try (CaptureReplay r = replay(true, f)) {
            long maxU = Long.MIN_VALUE;
            int seams = 0;
            List<RawMessage> got = all(r, 400 * 3);
            for (int i = 0; i < got.size(); i++) {
                String t = got.get(i).text();
                if (t.contains("\"seam\":true")) {
                    seams++;
                    assertThat(CaptureReplay.numberField(t, "\"lastUpdateId\":")).isGreaterThan(maxU);
                    assertThat(i).as("the seam snapshot opens its pass").isEqualTo(400 * seams);
                }
                long u = CaptureReplay.numberField(t, "\"u\":");
                maxU = Math.max(maxU, u);
            }
            assertThat(seams).isEqualTo(2);
            assertThat(got.stream().filter(m -> m.text().contains("@depthSnapshot")).count()).isEqualTo(3);
            assertThat(r.describe()).containsEntry("seams", 2L);
        }
    }

    static byte[] gz(String s) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream o = new GZIPOutputStream(b)) {
            o.write(s.getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }
}
