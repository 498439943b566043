package io.soak.alerts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Evaluates rules with Prometheus semantics at the end of every closed minute and keeps every transition.
 *
 * <p>A condition about a closed minute holds for that whole minute, so a rule's active time starts at the
 * start of the first minute in which it held: with {@code for: 2m} a rule fires at the end of the second
 * consecutive minute (pending after the first), with {@code for} ≤ 1m it fires at the end of the first. It
 * resolves at the first evaluation where the condition is false, unless {@code keep_firing_for} keeps it
 * firing (counted, as in Prometheus, from the first false evaluation). Not thread-safe: one caller (the
 * engine's control thread).
 */
public final class AlertEngine {

    /** Bound on the transitions kept (a flapping rule in a long run must not grow the manifest without end). */
    static final int MAX_TRANSITIONS = 10_000;

    private static final class RuleState {
        final AlertRule rule;
        AlertState state = AlertState.INACTIVE;
        long activeSinceMs;
        long firedAtMs = -1;
        long keepFiringSinceMs = -1;
        Observation last;

        RuleState(AlertRule rule) {
            this.rule = rule;
        }
    }

    private final Map<String, RuleState> rules = new LinkedHashMap<>();
    private final List<AlertTransition> transitions = new ArrayList<>();
    private final List<Map<String, Object>> triggered = new ArrayList<>();
    private final List<Map<String, Object>> recovered = new ArrayList<>();
    private long transitionsDropped;
    private long evaluations;
    private long lastEvaluationMs = -1;

    public AlertEngine(List<AlertRule> rules) {
        for (AlertRule r : rules) {
            if (this.rules.put(r.name(), new RuleState(r)) != null) {
                throw new IllegalArgumentException("alert rule '" + r.name() + "' defined twice");
            }
        }
    }

    /** Evaluates every enabled rule on one closed minute; returns the transitions it caused, in rule order. */
    public List<AlertTransition> evaluate(Evaluation e) {
        long at = e.atMs();
        List<AlertTransition> out = new ArrayList<>();
        for (RuleState s : rules.values()) {
            if (!s.rule.enabled()) {
                continue;
            }
            Observation o = s.rule.condition().observe(e);
            s.last = o;
            AlertState from = s.state;
            if (o.active()) {
                s.keepFiringSinceMs = -1;
                if (s.state == AlertState.INACTIVE) {
                    s.activeSinceMs = e.minuteStartMs();
                }
                if (s.state != AlertState.FIRING) {
                    boolean fire = at - s.activeSinceMs >= s.rule.forDuration().toMillis();
                    AlertState next = fire ? AlertState.FIRING : AlertState.PENDING;
                    if (next != s.state) {
                        s.state = next;
                        if (fire) {
                            s.firedAtMs = at;
                        }
                        out.add(AlertTransition.of(at, s.rule, next.id(), from, o));
                    }
                }
            } else if (s.state == AlertState.PENDING) {
                s.state = AlertState.INACTIVE;
                out.add(AlertTransition.of(at, s.rule, "inactive", from, o));
            } else if (s.state == AlertState.FIRING) {
                long kff = s.rule.keepFiringFor().toMillis();
                if (kff > 0) {
                    if (s.keepFiringSinceMs < 0) {
                        s.keepFiringSinceMs = at;
                    }
                    if (at - s.keepFiringSinceMs < kff) {
                        continue;
                    }
                }
                s.state = AlertState.INACTIVE;
                s.keepFiringSinceMs = -1;
                out.add(AlertTransition.of(at, s.rule, "resolved", from, o));
            }
        }
        evaluations++;
        lastEvaluationMs = at;
        for (AlertTransition t : out) {
            record(t);
        }
        return out;
    }

    private void record(AlertTransition t) {
        if (transitions.size() < MAX_TRANSITIONS) {
            transitions.add(t);
        } else {
            transitionsDropped++;
        }
        if (t.state().equals("firing")) {
            Map<String, Object> m = event(t);
            if (triggered.size() < MAX_TRANSITIONS) {
                triggered.add(m);
            }
        } else if (t.state().equals("resolved")) {
            Map<String, Object> m = event(t);
            RuleState s = rules.get(t.rule());
            m.put("fired_at", java.time.Instant.ofEpochMilli(s.firedAtMs).toString());
            m.put("fired_at_ms", s.firedAtMs);
            m.put("firing_s", (t.atMs() - s.firedAtMs) / 1000.0);
            if (recovered.size() < MAX_TRANSITIONS) {
                recovered.add(m);
            }
        }
    }

    private static Map<String, Object> event(AlertTransition t) {
        Map<String, Object> m = new TreeMap<>();
        m.put("rule", t.rule());
        m.put("level", t.level());
        m.put("at", t.at());
        m.put("at_ms", t.atMs());
        m.put("value", jsonNumber(t.value()));
        m.put("details", t.details());
        return m;
    }

    static Object jsonNumber(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? (Object) (long) v : (Object) v;
    }

    /** Current state of every rule, in definition order. */
    public Map<String, AlertState> states() {
        Map<String, AlertState> m = new LinkedHashMap<>();
        rules.forEach((k, v) -> m.put(k, v.state));
        return m;
    }

    public List<AlertRule> rules() {
        return rules.values().stream().map(s -> s.rule).toList();
    }

    public List<AlertTransition> transitions() {
        return List.copyOf(transitions);
    }

    public long evaluations() {
        return evaluations;
    }

    /** The manifest section {@code alerts}. */
    public Map<String, Object> section() {
        Map<String, Object> m = new TreeMap<>();
        List<Map<String, Object>> ts = new ArrayList<>();
        for (AlertTransition t : transitions) {
            Map<String, Object> e = event(t);
            e.put("state", t.state());
            e.put("from", t.from());
            ts.add(e);
        }
        m.put("transitions", ts);
        m.put("triggered", List.copyOf(triggered));
        m.put("recovered", List.copyOf(recovered));
        List<String> fired = distinct(triggered);
        List<String> resolved = distinct(recovered);
        m.put("fired_rules", fired);
        m.put("resolved_rules", resolved);
        List<String> active = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        Map<String, Object> states = new TreeMap<>();
        List<Map<String, Object>> defs = new ArrayList<>();
        for (RuleState s : rules.values()) {
            states.put(s.rule.name(), s.state.id());
            if (s.state == AlertState.FIRING) {
                active.add(s.rule.name());
            } else if (s.state == AlertState.PENDING) {
                pending.add(s.rule.name());
            }
            Map<String, Object> d = new TreeMap<>();
            d.put("name", s.rule.name());
            d.put("level", s.rule.level());
            d.put("kind", s.rule.kind());
            d.put("for", s.rule.forDuration().toString());
            d.put("keep_firing_for", s.rule.keepFiringFor().toString());
            d.put("enabled", s.rule.enabled());
            d.put("params", new TreeMap<>(s.rule.condition().params()));
            if (s.last != null) {
                d.put("last_value", jsonNumber(s.last.value()));
                d.put("last_details", s.last.details());
            }
            defs.add(d);
        }
        m.put("active_at_end", active);
        m.put("pending_at_end", pending);
        m.put("states", states);
        m.put("rules", defs);
        Map<String, Object> totals = new TreeMap<>();
        totals.put("fired", triggered.size());
        totals.put("resolved", recovered.size());
        totals.put("transitions", transitions.size() + transitionsDropped);
        totals.put("transitions_dropped", transitionsDropped);
        totals.put("active_at_end", active.size());
        totals.put("evaluations", evaluations);
        totals.put("rules", rules.size());
        m.put("totals", totals);
        if (lastEvaluationMs >= 0) {
            m.put("last_evaluation", java.time.Instant.ofEpochMilli(lastEvaluationMs).toString());
        }
        return m;
    }

    private static List<String> distinct(List<Map<String, Object>> events) {
        return events.stream().map(e -> (String) e.get("rule")).distinct().toList();
    }
}
