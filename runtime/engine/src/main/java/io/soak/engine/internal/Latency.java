package io.soak.engine.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * End-to-end latency of a live or paced run, in fixed memory (HdrHistogram, 1 µs to 1 h, 2 significant
 * digits: ~26 KB per histogram, created at set-up, never resized). The engine takes every stamp: the receipt
 * is the raw message's {@code receivedNanos} (the source's stamp, carried from hop to hop as
 * {@link io.soak.api.stage.Envelope#originNanos()}); the others are the engine clock at the end of a stage's
 * {@code handle} ({@link StageRunner}), at publication ({@link InProcessTransport}) and after a sink's commit
 * returned ({@link SinkWriter}).
 *
 * <p>Hops (manifest {@code latency.hops}): {@code receive_to_handled.<stage>} (every stage, for events that
 * descend from a received message), {@code receive_to_published.<topic>} and {@code handled_to_published.<topic>}
 * (the sink topics), {@code published_to_committed.<sink>} and {@code receive_to_committed.<sink>} (decision
 * rows), and the total {@code receive_to_committed} (a decision row committed in every sink: the later of the
 * sinks' commits). Paced replay: engine-time spans divided by the pace (wall time). A max-pace simulation
 * records nothing: its virtual spans are not latency ({@code mode: "n/a (max-pace)"}).
 */
final class Latency {

    static final long HIGHEST_US = 3_600_000_000L;
    static final String MAX_PACE = "n/a (max-pace)";
    private static final int DIGITS = 2;
    private static final int RING = 16_384;

    final boolean enabled;
    private final double pace;
    private final String mode;
    private final Map<String, Histogram> hops = new LinkedHashMap<>();
    private final Histogram total;
    /** Decision rows waiting for their commit in every sink: seq, receipt, sinks left (a ring, fixed memory). */
    private long[] pendingSeq;
    private long[] pendingOrigin;
    private int[] pendingLeft;
    private int sinkCount;
    private long untracked;

    Latency(boolean simulated, boolean live, double pace) {
        this.enabled = !simulated;
        this.pace = pace <= 0 ? 1.0 : pace;
        this.mode = simulated ? MAX_PACE : live ? "live" : "paced " + fmtPace(this.pace);
        this.total = enabled ? histogram() : null;
    }

    private static String fmtPace(double p) {
        return (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p)) + "x";
    }

    private static Histogram histogram() {
        return new SynchronizedHistogram(1, HIGHEST_US, DIGITS);
    }

    /** Set-up (before the run starts): the histogram of one hop, or null when nothing is recorded. */
    synchronized Histogram hop(String name) {
        if (!enabled) {
            return null;
        }
        return hops.computeIfAbsent(name, n -> histogram());
    }

    /** Set-up: the number of sinks a decision row must be committed in to count in the total. */
    synchronized void sinks(int n) {
        sinkCount = n;
        if (enabled && n > 0) {
            pendingSeq = new long[RING];
            pendingOrigin = new long[RING];
            pendingLeft = new int[RING];
        }
    }

    /** Records {@code to - from} (engine nanos) as wall microseconds; nothing when there is no origin. */
    void record(Histogram h, long from, long to) {
        if (h == null || from == 0) {
            return;
        }
        long d = to - from;
        if (d < 0) {
            d = 0;
        }
        long us = pace == 1.0 ? d / 1000L : (long) (d / pace / 1000.0);
        h.recordValue(Math.min(us, HIGHEST_US));
    }

    /** A decision row with a receipt stamp was handed to the sinks. */
    synchronized void rowOut(long seq, long origin) {
        if (pendingSeq == null || origin == 0) {
            return;
        }
        int i = (int) (seq & (RING - 1));
        if (pendingLeft[i] > 0) {
            untracked++; // its slot is reused before every sink committed it (a failed or very slow sink)
        }
        pendingSeq[i] = seq;
        pendingOrigin[i] = origin;
        pendingLeft[i] = sinkCount;
    }

    /** One sink committed decision row {@code seq} at engine time {@code now}. */
    synchronized void rowCommitted(long seq, long now) {
        if (pendingSeq == null) {
            return;
        }
        int i = (int) (seq & (RING - 1));
        if (pendingSeq[i] != seq || pendingLeft[i] <= 0) {
            return;
        }
        if (--pendingLeft[i] == 0) {
            record(total, pendingOrigin[i], now);
        }
    }

    /** The total's p99 in ms, or -1 when nothing was recorded (max pace, or no decision committed yet). */
    double totalP99Ms() {
        if (total == null || total.getTotalCount() == 0) {
            return -1;
        }
        return ms(total.getValueAtPercentile(99.0));
    }

    /** The manifest section {@code latency}. */
    synchronized Map<String, Object> tree() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", mode);
        if (!enabled) {
            return m;
        }
        m.put("unit", "ms");
        m.put("total", figures(total));
        // hops.<hop>.<stage|topic|sink>: addressable by dotted criterion paths
        Map<String, Object> h = new LinkedHashMap<>();
        hops.forEach((k, v) -> {
            int dot = k.indexOf('.');
            @SuppressWarnings("unchecked")
            Map<String, Object> g = (Map<String, Object>) h.computeIfAbsent(k.substring(0, dot), x -> new LinkedHashMap<>());
            g.put(k.substring(dot + 1), figures(v));
        });
        m.put("hops", h);
        if (untracked > 0) {
            m.put("untracked_rows", untracked);
        }
        return m;
    }

    /** count, p50_ms, p99_ms, p999_ms, max_ms (ms with µs resolution); null figures when the count is 0. */
    static Map<String, Object> figures(Histogram h) {
        Map<String, Object> f = new LinkedHashMap<>();
        Histogram c = h.copy();
        long n = c.getTotalCount();
        f.put("count", n);
        f.put("p50_ms", n == 0 ? null : ms(c.getValueAtPercentile(50.0)));
        f.put("p99_ms", n == 0 ? null : ms(c.getValueAtPercentile(99.0)));
        f.put("p999_ms", n == 0 ? null : ms(c.getValueAtPercentile(99.9)));
        f.put("max_ms", n == 0 ? null : ms(c.getMaxValue()));
        return f;
    }

    private static double ms(long us) {
        return Math.round(us / 10.0) / 100.0;
    }
}
