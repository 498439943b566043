package io.soak.engine.internal;

import io.soak.api.plan.Criterion;
import io.soak.api.plan.Mode;
import io.soak.api.plan.ScenarioPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The baseline criteria every run carries beside its scenario's own: without them a run that did nothing, stopped
 * early or never synced its books could pass. The engine feeds it while the run goes on (book states at each
 * health tick, the evidence consistency at the end) and puts {@link #section} into the manifest as
 * {@code baseline}; the criteria are then derived from that section alone ({@link #criteria}), so that
 * {@code soak verify} re-evaluates them from the manifest exactly as the engine did.
 *
 * <p>The criteria (names {@code baseline.<name>}; waivable in the scenario with
 * {@code expect { waive '<name>', because: '…' }}, which names the criterion or its family):
 * <ul>
 *   <li>{@code run_completed}: the run lasted its planned duration (else the verdict is {@code INCOMPLETE});</li>
 *   <li>{@code messages_handled}: the ingress stage handled at least one message;</li>
 *   <li>{@code substream.<symbol@stream>}: every subscribed substream delivered data (harvest stage runs);</li>
 *   <li>{@code decisions}: the signal stage published at least one decision (signal stage runs);</li>
 *   <li>{@code book_synced.<SYMBOL>}: every symbol with a diff-depth subscription had a synced book for at least
 *       {@link #BOOK_SYNC_MIN_SHARE} of the health ticks after the warm-up;</li>
 *   <li>{@code live_connected}: a live run received data from its connection at all;</li>
 *   <li>{@code cluster_sent}: a cluster node: every record it sent to the cluster was acknowledged (a send that
 *       failed or expired is an event the next node never sees);</li>
 *   <li>{@code cluster_received}: a cluster node: every record it read from the cluster could be decoded (one that
 *       could not is an event its stages never saw);</li>
 *   <li>{@code evidence_consistent}: every figure that appears in two artifacts is the same figure.</li>
 * </ul>
 */
public final class Baseline {

    public static final String SECTION = "baseline";
    /** The operator of a waiver in the plan's expectations ({@code expect { waive … }}). */
    public static final String WAIVE_OP = "waive";
    public static final String PREFIX = "baseline.";
    /** Share of post-warm-up health ticks at which each depth-subscribed book must be synced. */
    public static final double BOOK_SYNC_MIN_SHARE = 0.9;
    /** Warm-up before book sync is sampled: this, or a quarter of the planned duration when that is shorter. */
    public static final long BOOK_SYNC_WARMUP_MAX_S = 60;

    public static final String RUN_COMPLETED = "run_completed";
    public static final String MESSAGES_HANDLED = "messages_handled";
    public static final String SUBSTREAM = "substream";
    public static final String DECISIONS = "decisions";
    public static final String BOOK_SYNCED = "book_synced";
    public static final String LIVE_CONNECTED = "live_connected";
    public static final String EVIDENCE_CONSISTENT = "evidence_consistent";
    public static final String CLUSTER_SENT = "cluster_sent";
    public static final String CLUSTER_RECEIVED = "cluster_received";
    /** Every name a waiver may give (a family name waives each of its members). */
    public static final List<String> NAMES = List.of(RUN_COMPLETED, MESSAGES_HANDLED, SUBSTREAM, DECISIONS, BOOK_SYNCED,
            LIVE_CONNECTED, CLUSTER_SENT, CLUSTER_RECEIVED, EVIDENCE_CONSISTENT);

    /** A diff-depth stream (a local book is built from it): {@code depth}, {@code depth@0ms}, {@code depth@100ms}. */
    private static final Pattern DIFF_DEPTH = Pattern.compile("depth(@\\d+ms)?");

    private final ScenarioPlan plan;
    private final long warmupNanos;
    private final boolean depthDiff;
    /** symbol -> {synced ticks, ticks} after the warm-up. */
    private final Map<String, long[]> books = new TreeMap<>();
    private Map<String, Object> evidence;
    /** The stages this process runs: the plan's, or a cluster node's share of them (docs/scale-out.md). */
    private final List<String> stages;

    public Baseline(ScenarioPlan plan) {
        this(plan, plan.stages());
    }

    public Baseline(ScenarioPlan plan, List<String> localStages) {
        this.plan = plan;
        this.stages = List.copyOf(localStages);
        long planned = plan.duration() == null ? 0 : plan.duration().toNanos();
        this.warmupNanos = Math.min(BOOK_SYNC_WARMUP_MAX_S * 1_000_000_000L, planned / 4);
        this.depthDiff = stages.contains("harvest")
                && plan.source().streams().stream().anyMatch(s -> DIFF_DEPTH.matcher(s).matches());
        if (depthDiff) {
            plan.source().symbols().forEach(s -> books.put(s.toUpperCase(Locale.ROOT), new long[2]));
        }
    }

    /**
     * One health tick: the harvest stage's {@code books} fact (symbol to {@code {state: …}}), {@code sinceStart}
     * ns after the run started. Ticks inside the warm-up are not counted.
     */
    public void sampleBooks(long sinceStartNanos, Object booksFact) {
        if (!depthDiff || sinceStartNanos < warmupNanos) {
            return;
        }
        Map<?, ?> fact = booksFact instanceof Map<?, ?> m ? m : Map.of();
        if (plan.source().symbols().isEmpty()) {
            // no symbol list (an emulator serving files): every book that exists is a subscribed one
            fact.keySet().forEach(k -> books.computeIfAbsent(String.valueOf(k).toUpperCase(Locale.ROOT), x -> new long[2]));
        }
        for (Map.Entry<String, long[]> e : books.entrySet()) {
            Object b = fact.get(e.getKey());
            boolean synced = b instanceof Map<?, ?> bm && "synced".equals(String.valueOf(bm.get("state")));
            e.getValue()[1]++;
            if (synced) {
                e.getValue()[0]++;
            }
        }
    }

    /** The evidence consistency found at the end of the run ({@link EvidenceConsistency}). */
    public void recordEvidence(Map<String, Object> found) {
        this.evidence = found;
    }

    /**
     * The {@code baseline} manifest section from the manifest built so far (plain maps: {@code duration_s},
     * {@code end_reason}, {@code status}, {@code bus}, {@code harvester_metrics}).
     */
    public Map<String, Object> section(Map<String, Object> m, boolean ended) {
        Map<String, Object> s = new LinkedHashMap<>();
        Map<String, Object> completion = new LinkedHashMap<>();
        double planned = plan.duration() == null ? 0 : plan.duration().toMillis() / 1000.0;
        double reached = number(m.get("duration_s"));
        String reason = String.valueOf(m.getOrDefault("end_reason", ""));
        completion.put("planned_s", planned);
        completion.put("reached_s", reached);
        completion.put("end_reason", reason);
        completion.put("ended", ended);
        // a cluster node without the feed ends when every upstream node finished and it processed all (upstream_done)
        completion.put("complete", ended && ("duration".equals(reason) && reached + 1e-6 >= planned
                || "upstream_done".equals(reason)));
        s.put("completion", completion);

        String ingress = ingress(m);
        s.put("ingress_stage", ingress == null ? "" : ingress);
        long handled = ingress == null ? (long) number(Verdict.resolve(m, "bus.topics.raw.published"))
                : (long) number(Verdict.resolve(m, "status.processes." + ingress + ".handled"));
        if (ingress == null && Verdict.resolve(m, "cluster.delivered") instanceof Map<?, ?> delivered) {
            // a cluster node without the feed: its ingress is the cluster bus
            for (Object v : delivered.values()) {
                handled += (long) number(v);
            }
        }
        s.put("messages_handled", handled);

        if (stages.contains("harvest") && !plan.source().streams().isEmpty()) {
            Map<String, Object> perStream = perStream(m);
            Set<String> symbols = new TreeSet<>();
            plan.source().symbols().forEach(x -> symbols.add(x.toLowerCase(Locale.ROOT)));
            if (symbols.isEmpty()) {
                for (String k : perStream.keySet()) {
                    int at = k.indexOf('@');
                    if (at > 0) {
                        symbols.add(k.substring(0, at).toLowerCase(Locale.ROOT));
                    }
                }
            }
            if (symbols.isEmpty()) {
                symbols.add("<any>");
            }
            Map<String, Object> subs = new TreeMap<>();
            for (String sym : symbols) {
                for (String st : plan.source().streams()) {
                    String key = sym + "@" + st;
                    subs.put(key, (long) number(perStream.get(key.toLowerCase(Locale.ROOT))));
                }
            }
            s.put("substreams", subs);
        }
        if (stages.contains("signal")) {
            s.put("decisions", (long) number(Verdict.resolve(m, "bus.topics.decision.published")));
        }
        if (depthDiff) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("min_share", BOOK_SYNC_MIN_SHARE);
            b.put("warmup_s", warmupNanos / 1e9);
            b.put("sampled", "at every health tick after the warm-up, from the harvest stage's books fact");
            Map<String, Object> per = new TreeMap<>();
            books.forEach((sym, c) -> {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("ticks", c[1]);
                x.put("synced_ticks", c[0]);
                // a run too short to sample after the warm-up has no evidence either way: it does not fail here
                x.put("synced_share", c[1] == 0 ? 1.0 : Math.round((double) c[0] / c[1] * 10_000.0) / 10_000.0);
                per.put(sym, x);
            });
            b.put("symbols", per);
            s.put("books", b);
        }
        if (plan.mode() == Mode.LIVE) {
            Map<String, Object> live = new LinkedHashMap<>();
            Object ever = Verdict.resolve(m, "harvester_metrics.feed_connected_ever");
            Object connections = Verdict.resolve(m, "harvester_metrics.connections_established");
            if (ever instanceof Boolean b2) {
                // the live source's own accounting: every connection (/public, /market) opened at least once
                live.put("measured_by", "harvester_metrics.feed_connected_ever");
                live.put("connected", b2 && handled > 0);
                Object attempts = Verdict.resolve(m, "harvester_metrics.connect_attempts");
                Object failures = Verdict.resolve(m, "harvester_metrics.connect_failures");
                if (attempts != null) {
                    live.put("connect_attempts", attempts);
                }
                if (failures != null) {
                    live.put("connect_failures", failures);
                }
            } else if (connections instanceof Number n) {
                live.put("measured_by", "harvester_metrics.connections_established");
                live.put("connected", n.longValue() > 0 && handled > 0);
            } else {
                // the source does not count its connections yet: a live run that handled nothing never connected
                live.put("measured_by", "messages_handled (the source reports no connection count)");
                live.put("connected", handled > 0);
            }
            s.put("live", live);
        }
        if (m.get("cluster") instanceof Map<?, ?> c && !Boolean.TRUE.equals(c.get("merged"))) {
            // a cluster node: what it sent and how much of it Kafka did not acknowledge (failed or expired)
            Map<String, Object> cl = new LinkedHashMap<>();
            long sent = 0;
            if (c.get("sent") instanceof Map<?, ?> per) {
                for (Object v : per.values()) {
                    sent += (long) number(v);
                }
            }
            cl.put("sent", sent);
            cl.put("send_errors", (long) number(c.get("send_errors")));
            if (c.get("last_send_error") != null) {
                cl.put("last_send_error", String.valueOf(c.get("last_send_error")));
            }
            cl.put("bad_records", (long) number(c.get("bad_records")));
            cl.put("measured_by", "cluster.sent, cluster.send_errors (the producer's callbacks), cluster.bad_records "
                    + "(records read that could not be decoded)");
            s.put("cluster", cl);
        }
        s.put("evidence", evidence == null ? Map.of("checked", List.of(), "contradictions", List.of(),
                "contradiction_count", 0) : evidence);
        s.put("waived", waivers(plan.expectations()));
        return s;
    }

    private static String ingress(Map<String, Object> m) {
        Object c = Verdict.resolve(m, "bus.topics.raw.consumers");
        if (c instanceof List<?> l && !l.isEmpty()) {
            return String.valueOf(l.get(0));
        }
        return null;
    }

    private static Map<String, Object> perStream(Map<String, Object> m) {
        Object v = Verdict.resolve(m, "harvester_metrics.messages_per_stream");
        Map<String, Object> out = new TreeMap<>();
        if (v instanceof Map<?, ?> map) {
            map.forEach((k, x) -> out.put(String.valueOf(k).toLowerCase(Locale.ROOT), x));
        }
        return out;
    }

    private static double number(Object o) {
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        return 0;
    }

    // ------------------------------------------------------------------------------------------------ criteria

    /** The baseline criteria of a run, from its manifest's {@code baseline} section (empty without one). */
    public static List<Criterion> criteria(Map<String, Object> manifest) {
        List<Criterion> out = new ArrayList<>();
        if (!(manifest.get(SECTION) instanceof Map<?, ?> b)) {
            return out;
        }
        out.add(c(RUN_COMPLETED, "completion.complete", "==", true, "the run lasted its planned duration"));
        out.add(c(MESSAGES_HANDLED, "messages_handled", ">", 0, "the ingress stage handled messages"));
        if (b.get("substreams") instanceof Map<?, ?> subs) {
            for (Object k : subs.keySet()) {
                out.add(c(SUBSTREAM + "." + k, "substreams." + k, ">", 0, "the subscribed substream " + k + " delivered data"));
            }
        }
        if (b.containsKey("decisions")) {
            out.add(c(DECISIONS, "decisions", ">", 0, "the signal stage published decisions"));
        }
        if (b.get("books") instanceof Map<?, ?> books && books.get("symbols") instanceof Map<?, ?> syms) {
            Object share = books.get("min_share") instanceof Number n ? n : BOOK_SYNC_MIN_SHARE;
            for (Object sym : syms.keySet()) {
                out.add(c(BOOK_SYNCED + "." + sym, "books.symbols." + sym + ".synced_share", ">=", share,
                        "the " + sym + " book was synced for at least " + share + " of the run after the warm-up"));
            }
        }
        if (b.containsKey("live")) {
            out.add(c(LIVE_CONNECTED, "live.connected", "==", true, "the live source connected and delivered data"));
        }
        if (b.containsKey("cluster")) {
            out.add(c(CLUSTER_SENT, "cluster.send_errors", "==", 0,
                    "every record this node sent to the cluster was acknowledged by Kafka"));
            out.add(c(CLUSTER_RECEIVED, "cluster.bad_records", "==", 0,
                    "every record this node read from the cluster could be decoded"));
        }
        out.add(c(EVIDENCE_CONSISTENT, "evidence.contradiction_count", "==", 0,
                "every figure that appears in two artifacts is the same figure"));
        return out;
    }

    private static Criterion c(String name, String path, String op, Object expected, String description) {
        return new Criterion(PREFIX + name, SECTION + "." + path, op, expected, description);
    }

    /** The waivers among a plan's expectations: criterion (or family) name to reason. */
    public static Map<String, String> waivers(List<Criterion> expectations) {
        Map<String, String> out = new TreeMap<>();
        for (Criterion c : expectations) {
            if (WAIVE_OP.equals(c.op())) {
                out.put(String.valueOf(c.expected()), c.description() == null ? "" : c.description());
            }
        }
        return out;
    }

    /** The reason a baseline criterion is waived, or null: its own name or its family's. */
    static String waiver(Map<String, String> waivers, String criterion) {
        String n = criterion.startsWith(PREFIX) ? criterion.substring(PREFIX.length()) : criterion;
        for (Map.Entry<String, String> w : waivers.entrySet()) {
            if (n.equals(w.getKey()) || n.startsWith(w.getKey() + ".")) {
                return w.getValue();
            }
        }
        return null;
    }

    /**
     * The whole verdict: the scenario's criteria (waivers taken out) and the baseline criteria of the manifest,
     * waivers applied. Status {@code INCOMPLETE} when the run did not last its planned duration (and that is not
     * waived), else {@code PASS} or {@code FAIL}. Used by the engine and by {@code soak verify}.
     */
    @SuppressWarnings("unchecked")
    public static Verdict.Result evaluate(List<Criterion> expectations, Map<String, Object> manifest) {
        Map<String, String> waivers = waivers(expectations);
        List<Criterion> scenario = expectations.stream().filter(c -> !WAIVE_OP.equals(c.op())).toList();
        Verdict.Result own = Verdict.evaluate(scenario, manifest);
        Verdict.Result base = Verdict.evaluate(criteria(manifest), manifest);
        List<Map<String, Object>> all = new ArrayList<>(own.criteria());
        List<String> failures = new ArrayList<>(own.failures());
        boolean passed = own.passed();
        boolean incomplete = false;
        int i = 0;
        for (Map<String, Object> c : base.criteria()) {
            Map<String, Object> x = new LinkedHashMap<>(c);
            x.put("baseline", true);
            String name = String.valueOf(c.get("name"));
            String why = waiver(waivers, name);
            if (why != null) {
                x.put("waived", why);
            }
            all.add(x);
            if (!Boolean.TRUE.equals(c.get("passed")) && why == null) {
                passed = false;
                if (name.equals(PREFIX + RUN_COMPLETED)) {
                    incomplete = true;
                    failures.add(0, incompleteLine(manifest));
                } else {
                    failures.add(failureLine(c, base.failures(), i));
                }
            }
            i++;
        }
        String status = incomplete ? "INCOMPLETE" : passed ? "PASS" : "FAIL";
        return new Verdict.Result(passed, all, failures, status, waivers);
    }

    private static String failureLine(Map<String, Object> c, List<String> baseFailures, int index) {
        String name = String.valueOf(c.get("name"));
        for (String f : baseFailures) {
            if (f.startsWith(name + ":")) {
                return f;
            }
        }
        return name + ": failed";
    }

    /** {@code INCOMPLETE: the run stopped at 42.0 s of 180.0 s planned (end reason: signal)}. */
    static String incompleteLine(Map<String, Object> manifest) {
        Object reached = Verdict.resolve(manifest, "baseline.completion.reached_s");
        Object planned = Verdict.resolve(manifest, "baseline.completion.planned_s");
        Object reason = Verdict.resolve(manifest, "baseline.completion.end_reason");
        return "INCOMPLETE: the run stopped at " + reached + " s of " + planned + " s planned (end reason: "
                + (reason instanceof String r && !r.isEmpty() ? r : "none") + "); the evidence up to then is written"
                + " (waive '" + RUN_COMPLETED + "' in the scenario if a shorter run is intended)";
    }
}
