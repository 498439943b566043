package io.soak.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.sink.Row;
import io.soak.api.stage.Topics;
import io.soak.stats.MinuteAccumulator;
import io.soak.stats.MinuteCounts;
import io.soak.api.stats.MinuteStats;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the evidence needs from one sink's rows, built in one pass over its read-back (ordered by
 * topic, seq): counts per topic, a content hash, seq gaps and duplicates, minute statistics recomputed with
 * the same {@link MinuteAccumulator} as the report stage, and the last decision of every symbol.
 */
final class SinkSide {

    /** At most this many gaps/duplicates are listed (all are counted). */
    static final int LISTED = 20;

    /** The last decision of a symbol: what the runtime state shows. */
    record LastDecision(long tsMs, String regime, double spreadBps, String signalType, double score) {
    }

    final String sink;
    private final ObjectMapper json;
    private final MessageDigest digest;
    final Map<String, Long> rowsByTopic = new TreeMap<>();
    final MinuteAccumulator minutes = new MinuteAccumulator();
    final MinuteCounts totals = new MinuteCounts();
    final Map<String, LastDecision> lastDecision = new TreeMap<>();
    /** Per symbol, the event times of its decisions in the last 60 s before its latest one (activity). */
    private final Map<String, java.util.ArrayDeque<Long>> recent = new java.util.HashMap<>();
    final List<Map<String, Object>> gaps = new ArrayList<>();
    final List<Map<String, Object>> duplicates = new ArrayList<>();
    long gapCount;
    long missingRows;
    long duplicateCount;
    long unreadable;
    long rows;
    long firstTsMs = Long.MAX_VALUE;
    long lastTsMs = Long.MIN_VALUE;
    private final Map<String, Long> lastSeq = new java.util.HashMap<>();
    private String hash;

    SinkSide(String sink, ObjectMapper json) {
        this.sink = sink;
        this.json = json;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Takes the next row of the read-back (rows must come in (topic, seq) order). */
    void accept(Row r) {
        accept(r, null);
    }

    /** The parsed JSON of a decision row (null for other topics or unreadable rows). */
    JsonNode parse(Row r) {
        if (!Topics.DECISION.equals(r.topic()) || r.seq() < 0) {
            return null;
        }
        try {
            return json.readTree(r.json());
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** {@link #accept(Row)} with the decision row already parsed (the other side's identical row). */
    void accept(Row r, JsonNode parsed) {
        rows++;
        rowsByTopic.merge(r.topic(), 1L, Long::sum);
        digest.update((r.topic() + '\n' + r.seq() + '\n' + r.json() + '\n').getBytes(StandardCharsets.UTF_8));
        if (r.seq() < 0) {
            unreadable++;
            return;
        }
        long prev = lastSeq.getOrDefault(r.topic(), 0L);
        if (r.seq() == prev) {
            duplicateCount++;
            if (duplicates.size() < LISTED) {
                duplicates.add(Map.of("topic", r.topic(), "seq", r.seq()));
            }
        } else if (r.seq() > prev + 1) {
            gapCount++;
            missingRows += r.seq() - prev - 1;
            if (gaps.size() < LISTED) {
                gaps.add(Map.of("topic", r.topic(), "from_seq", prev + 1, "to_seq", r.seq() - 1));
            }
        }
        lastSeq.put(r.topic(), Math.max(prev, r.seq()));
        switch (r.topic()) {
            case Topics.DECISION -> decision(r, parsed != null ? parsed : parse(r));
            case Topics.ORDER -> {
                long ts = ts(r);
                minutes.order(ts, r.symbol());
                totals.order();
            }
            case Topics.FILL -> {
                long ts = ts(r);
                minutes.fill(ts, r.symbol());
                totals.fill();
            }
            default -> {
                // other topics are counted and hashed only
            }
        }
    }

    private long ts(Row r) {
        firstTsMs = Math.min(firstTsMs, r.eventTimeMs());
        lastTsMs = Math.max(lastTsMs, r.eventTimeMs());
        return r.eventTimeMs();
    }

    private void decision(Row r, JsonNode n) {
        if (n == null) {
            unreadable++;
            return;
        }
        long tsMs = n.path("ts_ms").asLong(r.eventTimeMs());
        firstTsMs = Math.min(firstTsMs, tsMs);
        lastTsMs = Math.max(lastTsMs, tsMs);
        String symbol = n.path("symbol").asText(r.symbol());
        boolean confirm = n.path("confirm").asBoolean(false);
        boolean strong = n.path("strong").asBoolean(false);
        String type = n.path("signal_type").asText("");
        List<String> reasons = new ArrayList<>();
        n.path("guard_reasons").forEach(x -> reasons.add(x.asText()));
        minutes.decision(tsMs, symbol, confirm, strong, type, reasons);
        totals.decision(confirm, strong, type, reasons);
        LastDecision prev = lastDecision.get(symbol);
        java.util.ArrayDeque<Long> q = recent.computeIfAbsent(symbol, k -> new java.util.ArrayDeque<>());
        q.addLast(tsMs);
        long newest = prev == null ? tsMs : Math.max(tsMs, prev.tsMs());
        while (!q.isEmpty() && q.peekFirst() <= newest - MinuteAccumulator.MINUTE_MS) {
            q.pollFirst();
        }
        if (prev == null || tsMs >= prev.tsMs()) {
            lastDecision.put(symbol, new LastDecision(tsMs, n.path("regime").asText(""), n.path("spread_bps").asDouble(),
                    type, n.path("score").asDouble()));
        }
    }

    /** Decisions of {@code symbol} in the 60 s of event time up to its latest decision. */
    long activity(String symbol) {
        java.util.ArrayDeque<Long> q = recent.get(symbol);
        return q == null ? 0 : q.size();
    }

    private long tableFirst = -1;
    private long tableLast = -1;
    private List<List<MinuteStats>> table;

    /**
     * The per-minute rows (per symbol, then {@code all}) of every minute in [first, last]; computed once
     * (the accumulator is consumed), so every caller must use the same window (the run's aligned window).
     */
    List<List<MinuteStats>> table(long first, long last) {
        if (table == null) {
            tableFirst = first;
            tableLast = last;
            table = first < 0 ? List.of() : Minutes.range(minutes, first, last);
        } else if (first != tableFirst || last != tableLast) {
            throw new IllegalStateException("minute table of " + sink + " already built for another window");
        }
        return table;
    }

    /** sha-256 over (topic, seq, json) of every row in read-back order. */
    String contentHash() {
        if (hash == null) {
            hash = HexFormat.of().formatHex(digest.digest());
        }
        return hash;
    }

    long decisions() {
        return totals.decisions();
    }

    /** Per topic, the highest seq read. */
    Map<String, Long> lastSeqByTopic() {
        return new TreeMap<>(lastSeq);
    }

    long confirmed() {
        return totals.total();
    }

    long strong() {
        return totals.strong();
    }

    double strongRatio() {
        return MinuteCounts.ratio(totals.strong(), totals.total());
    }

    /** The run totals as one {@link MinuteStats}-shaped value (minute start = first minute). */
    MinuteStats totalStats() {
        return totals.toStats(firstTsMs == Long.MAX_VALUE ? 0 : MinuteAccumulator.minuteOf(firstTsMs), MinuteStats.ALL,
                Map.of());
    }

    /** The side's headline numbers, as written into parity_diff.json and the manifest. */
    Map<String, Object> headline() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", rows);
        m.put("rows_by_topic", new TreeMap<>(rowsByTopic));
        m.put("total", decisions());
        m.put("confirmed", confirmed());
        m.put("strong", strong());
        m.put("strong_ratio", strongRatio());
        m.put("content_hash", contentHash());
        m.put("missing_rows", missingRows);
        m.put("seq_gaps", gaps);
        m.put("duplicate_rows", duplicateCount);
        m.put("duplicates", duplicates);
        m.put("unreadable_rows", unreadable);
        return m;
    }
}
