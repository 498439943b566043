package io.soak.evidence;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.sink.Row;
import io.soak.api.sink.SinkFactory;
import io.soak.stats.MinuteAccumulator;
import io.soak.api.stats.MinuteStats;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads every sink of a run back (through its {@link SinkFactory}, from the files alone) and compares them
 * row by row on (topic, seq): rows only in one sink, rows whose JSON differs, per-side totals and content
 * hashes, and the per-minute statistics of each side on the same minute windows. Exact, not a tolerance:
 * the engine hands both sinks the same bytes. With one sink the comparison is {@code not_applicable} but
 * the side is still read (summaries, gaps, hash).
 */
public final class Parity {

    /** At most this many differing rows are listed in parity_diff.json (all are counted). */
    static final int LISTED = 20;

    /** The outcome: the sides (in plan order) and, with two sides, the comparison. */
    public record Result(List<SinkSide> sides, long differences, List<Map<String, Object>> firstDifferences) {

        public boolean compared() {
            return sides.size() >= 2;
        }

        public boolean exactMatch() {
            return compared() && differences == 0 && sides.get(0).contentHash().equals(sides.get(1).contentHash());
        }
    }

    private Parity() {
    }

    /** Reads and compares the first two sinks given (a third one is read but not compared). */
    static Result compute(Path runDirectory, Map<String, SinkFactory> sinks, ObjectMapper json) throws Exception {
        List<SinkSide> sides = new ArrayList<>();
        sinks.keySet().forEach(k -> sides.add(new SinkSide(k, json)));
        List<String> names = List.copyOf(sinks.keySet());
        if (names.size() < 2) {
            for (int i = 0; i < names.size(); i++) {
                try (Stream<Row> s = sinks.get(names.get(i)).readBack(runDirectory)) {
                    SinkSide side = sides.get(i);
                    s.forEach(side::accept);
                }
            }
            return new Result(sides, 0, List.of());
        }
        long differences = 0;
        List<Map<String, Object>> listed = new ArrayList<>();
        try (Stream<Row> sa = sinks.get(names.get(0)).readBack(runDirectory);
             Stream<Row> sb = sinks.get(names.get(1)).readBack(runDirectory)) {
            Iterator<Row> a = sa.iterator();
            Iterator<Row> b = sb.iterator();
            SinkSide A = sides.get(0);
            SinkSide B = sides.get(1);
            Row ra = a.hasNext() ? a.next() : null;
            Row rb = b.hasNext() ? b.next() : null;
            while (ra != null || rb != null) {
                int c = ra == null ? 1 : rb == null ? -1 : compareKey(ra, rb);
                if (c == 0) {
                    boolean same = ra.json().equals(rb.json());
                    com.fasterxml.jackson.databind.JsonNode parsed = same ? A.parse(ra) : null;
                    A.accept(ra, parsed);
                    B.accept(rb, parsed);
                    if (!same) {
                        differences++;
                        list(listed, "content_differs", ra, rb, A.sink, B.sink);
                    }
                    ra = a.hasNext() ? a.next() : null;
                    rb = b.hasNext() ? b.next() : null;
                } else if (c < 0) {
                    A.accept(ra);
                    differences++;
                    list(listed, "only_in_" + A.sink, ra, null, A.sink, B.sink);
                    ra = a.hasNext() ? a.next() : null;
                } else {
                    B.accept(rb);
                    differences++;
                    list(listed, "only_in_" + B.sink, null, rb, A.sink, B.sink);
                    rb = b.hasNext() ? b.next() : null;
                }
            }
        }
        for (int i = 2; i < names.size(); i++) {
            try (Stream<Row> s = sinks.get(names.get(i)).readBack(runDirectory)) {
                s.forEach(sides.get(i)::accept);
            }
        }
        return new Result(sides, differences, listed);
    }

    private static int compareKey(Row a, Row b) {
        int c = a.topic().compareTo(b.topic());
        return c != 0 ? c : Long.compare(a.seq(), b.seq());
    }

    private static void list(List<Map<String, Object>> out, String kind, Row a, Row b, String nameA, String nameB) {
        if (out.size() >= LISTED) {
            return;
        }
        Row any = a != null ? a : b;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("topic", any.topic());
        m.put("seq", any.seq());
        m.put("kind", kind);
        m.put(nameA, a == null ? null : a.json());
        m.put(nameB, b == null ? null : b.json());
        out.add(m);
    }

    /** The aligned minute window of all sides: {first, last} minute start, or {-1, -1} without data. */
    static long[] window(Result r) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (SinkSide s : r.sides()) {
            if (s.minutes.firstMinute() >= 0) {
                first = Math.min(first, s.minutes.firstMinute());
                last = Math.max(last, s.minutes.lastMinute());
            }
        }
        return first == Long.MAX_VALUE ? new long[] {-1, -1} : new long[] {first, last};
    }

    /** |a − b| / max(a, b) × 100; 0 when both are 0. */
    static double diffPct(double a, double b) {
        double max = Math.max(Math.abs(a), Math.abs(b));
        return max == 0 ? 0.0 : Math.abs(a - b) / max * 100.0;
    }

    /** The manifest section {@code parity} (short; the full comparison is parity_diff.json). */
    static Map<String, Object> section(Result r, List<String> planned) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sinks", planned);
        if (!r.compared()) {
            m.put("status", "not_applicable");
            m.put("reason", "parity needs two sinks; the plan has " + planned.size());
            m.put("exact_match", "not_applicable");
            m.put("total_diff_pct", "not_applicable");
            m.put("confirm_diff_pct", "not_applicable");
            m.put("strong_ratio_diff_pct", "not_applicable");
            m.put("first_difference", null);
            Map<String, Object> hashes = new LinkedHashMap<>();
            r.sides().forEach(s -> hashes.put(s.sink, s.contentHash()));
            m.put("content_hash", hashes);
            return m;
        }
        SinkSide a = r.sides().get(0);
        SinkSide b = r.sides().get(1);
        m.put("status", "compared");
        m.put("exact_match", r.exactMatch());
        m.put("total_diff_pct", diffPct(a.decisions(), b.decisions()));
        m.put("confirm_diff_pct", diffPct(a.confirmed(), b.confirmed()));
        m.put("strong_ratio_diff_pct", diffPct(a.strongRatio(), b.strongRatio()));
        m.put("differences", r.differences());
        Map<String, Object> first = null;
        if (!r.firstDifferences().isEmpty()) {
            Map<String, Object> f = r.firstDifferences().get(0);
            first = new LinkedHashMap<>();
            first.put("topic", f.get("topic"));
            first.put("seq", f.get("seq"));
            first.put("kind", f.get("kind"));
        }
        m.put("first_difference", first);
        Map<String, Object> rows = new LinkedHashMap<>();
        Map<String, Object> hashes = new LinkedHashMap<>();
        Map<String, Object> missing = new LinkedHashMap<>();
        Map<String, Object> dups = new LinkedHashMap<>();
        for (SinkSide s : r.sides()) {
            rows.put(s.sink, s.rows);
            hashes.put(s.sink, s.contentHash());
            missing.put(s.sink, s.missingRows);
            dups.put(s.sink, s.duplicateCount);
        }
        m.put("rows", rows);
        m.put("content_hash", hashes);
        m.put("missing_rows", missing);
        m.put("duplicate_rows", dups);
        return m;
    }

    /** parity_diff.json: totals per side, the aligned per-minute comparison, the first differing rows. */
    static Map<String, Object> document(String runId, Result r, List<String> planned) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", runId);
        m.putAll(section(r, planned));
        m.put("definitions", Map.of(
                "total", "decision rows written (every decision, confirmed or not)",
                "confirmed", "decision rows with confirm = true",
                "strong_ratio", "strong / confirmed (0 when none confirmed)",
                "diff_pct", "|a - b| / max(a, b) x 100, 0 when both are 0",
                "content_hash", "sha-256 over topic, seq and json of every row in (topic, seq) order"));
        Map<String, Object> sides = new LinkedHashMap<>();
        r.sides().forEach(s -> sides.put(s.sink, s.headline()));
        m.put("sides", sides);
        m.put("first_differences", r.firstDifferences());
        // per-minute comparison on the same windows: every minute from the earliest to the latest of either side
        long[] w = window(r);
        long first = w[0] < 0 ? Long.MAX_VALUE : w[0];
        long last = w[0] < 0 ? Long.MIN_VALUE : w[1];
        List<Map<String, Object>> perMinute = new ArrayList<>();
        long equalMinutes = 0;
        if (first != Long.MAX_VALUE) {
            Map<String, Map<Long, MinuteStats>> bySide = new LinkedHashMap<>();
            for (SinkSide s : r.sides()) {
                Map<Long, MinuteStats> mm = new LinkedHashMap<>();
                for (List<MinuteStats> minute : s.table(first, last)) {
                    MinuteStats all = minute.get(minute.size() - 1);
                    mm.put(all.minuteStartMs(), all);
                }
                bySide.put(s.sink, mm);
            }
            for (long t = first; t <= last; t += MinuteAccumulator.MINUTE_MS) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("minute_start_ms", t);
                row.put("minute_start", Instant.ofEpochMilli(t).toString());
                MinuteStats ref = null;
                boolean equal = true;
                for (Map.Entry<String, Map<Long, MinuteStats>> e : bySide.entrySet()) {
                    MinuteStats ms = e.getValue().get(t);
                    row.put(e.getKey(), Map.of("total", ms.decisions(), "confirmed", ms.total(), "strong", ms.strong(),
                            "strong_ratio", ms.strongRatio()));
                    if (ref == null) {
                        ref = ms;
                    } else {
                        equal &= ref.equals(ms);
                    }
                }
                row.put("equal", equal);
                equalMinutes += equal ? 1 : 0;
                perMinute.add(row);
            }
        }
        Map<String, Object> align = new LinkedHashMap<>();
        align.put("window_ms", MinuteAccumulator.MINUTE_MS);
        align.put("clock", "exchange event time of each row (decision/order/fill ts_ms), UTC minute boundaries");
        align.put("first_minute", first == Long.MAX_VALUE ? null : Instant.ofEpochMilli(first).toString());
        align.put("last_minute", last == Long.MIN_VALUE ? null : Instant.ofEpochMilli(last).toString());
        align.put("minutes", perMinute.size());
        align.put("equal_minutes", equalMinutes);
        align.put("aligned", true);
        m.put("window_alignment", align);
        m.put("per_minute", perMinute);
        return m;
    }
}
