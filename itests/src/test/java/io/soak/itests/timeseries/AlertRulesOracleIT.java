package io.soak.itests.timeseries;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.alerts.AlertEngine;
import io.soak.alerts.AlertRule;
import io.soak.alerts.AlertRules;
import io.soak.alerts.AlertState;
import io.soak.alerts.Evaluation;
import io.soak.api.stage.Settings;
import io.soak.api.stats.MinuteStats;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Oracle for the alert engine: the standard rules written as Prometheus alerting rules (PromQL), evaluated by
 * {@code promtool test rules} (the Debian prometheus package) on the same minute series our engine evaluates.
 * The expected firing alerts at every minute are taken from OUR engine; promtool fails if Prometheus disagrees
 * at any minute, for any rule. A closed minute's value is a sample at the minute's end, where both evaluate.
 * Our {@code for} counts whole closed minutes (for: 2m fires at the end of the second minute), so a rule with
 * {@code for: F} is {@code for: F − 1m} in Prometheus, whose active time starts at its first evaluation.
 * stage_unhealthy is not here (its input is the health ticks, not a minute series).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AlertRulesOracleIT {

    private static final Path PROMTOOL = Path.of(System.getProperty("soak.promtool", "/usr/bin/promtool"));
    private static final List<String> RULES = List.of("no_signals", "low_consistency", "strong_ratio_collapse",
            "export_failing", "data_dropped");

    @TempDir
    Path dir;

    private record Minute(long decisions, long total, long strong, double lowShare, int exportFailures, long dropped) {
    }

    /** The phases of the drill: each rule fires and resolves at least once, some conditions only nearly hold. */
    private static List<Minute> series() {
        List<Minute> m = new ArrayList<>();
        int[] strong = {9, 10, 11, 10, 12, 9, 10, 11, 8, 10, 11, 10};
        for (int i = 0; i < 12; i++) {
            m.add(new Minute(100, 50, strong[i], 0.10, 0, 0));
        }
        m.add(new Minute(30, 0, 0, 0.10, 0, 0));     // 12: no_signals pending
        m.add(new Minute(30, 0, 0, 0.10, 0, 0));     // 13: firing
        m.add(new Minute(25, 0, 0, 0.10, 0, 0));     // 14: still firing
        m.add(new Minute(100, 50, 10, 0.10, 0, 0));  // 15: resolved
        m.add(new Minute(100, 50, 10, 0.10, 0, 0));
        m.add(new Minute(10, 0, 0, 0.90, 0, 0));     // 17: one empty minute (pending, then gone); too few decisions
        m.add(new Minute(100, 50, 11, 0.85, 0, 0));  // 18: low_consistency fires
        m.add(new Minute(100, 50, 9, 0.80, 0, 0));   // 19: exactly 0.80 is not above: resolved
        m.add(new Minute(100, 50, 1, 0.10, 0, 0));   // 20: strong_ratio 0.02: collapse
        // 21: 0.07 over n = 100: above the floor (0.05), below median - 3*max(1.4826*MAD, sqrt(p(1-p)/n)) = 0.2 -
        // 3*max(0.0297, 0.04) = 0.08; with k = 4 (0.04) it would resolve
        m.add(new Minute(200, 100, 7, 0.10, 0, 0));
        m.add(new Minute(100, 50, 10, 0.10, 0, 0));  // 22: resolved
        m.add(new Minute(100, 19, 0, 0.10, 1, 0));   // 23: too few confirmed to judge the ratio
        m.add(new Minute(100, 50, 10, 0.10, 2, 0));
        m.add(new Minute(100, 50, 10, 0.10, 3, 0));  // 25: export_failing fires
        m.add(new Minute(100, 50, 10, 0.10, 4, 0));
        m.add(new Minute(100, 50, 10, 0.10, 0, 0));  // 27: resolved
        m.add(new Minute(100, 50, 10, 0.10, 0, 7));  // 28: data_dropped fires
        m.add(new Minute(100, 50, 10, 0.10, 0, 7));  // 29: resolved
        m.add(new Minute(100, 50, 10, 0.10, 0, 9));  // 30: fires again
        // 31: the baseline's ratios are 0.2 in 9 of its 13 minutes (MAD 0, as over looped recordings): 0.18 is under
        // median - 3*1.4826*MAD = 0.2 but one binomial sd (0.057 at n = 50) from the median: not a collapse
        m.add(new Minute(100, 50, 9, 0.10, 0, 9));
        for (int i = 0; i < 4; i++) {
            m.add(new Minute(100, 50, 10, 0.10, 0, 9));
        }
        return m;
    }

    @Test
    void prometheusFiresAndResolvesTheStandardRulesAtTheSameMinutesAsOurEngine() throws Exception {
        Result r = compare(PROMQL_RULES);
        assertThat(r.exit()).as("promtool test rules disagrees with our engine:%n%s", r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    @Test
    void theOracleNoticesADifferenceOfOneMinute() throws Exception {
        // no_signals with for: 2m in Prometheus terms would fire one minute later than ours: promtool must say so
        Result r = compare(PROMQL_RULES.replace("for: 1m", "for: 2m"));
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("alertname: no_signals").contains("14m");
        // the bound with k = 4 instead of 3 would let minute 21 resolve: promtool must say so
        Result k4 = compare(PROMQL_RULES.replace("3 * ", "4 * "));
        assertThat(k4.exit()).as(k4.output()).isNotZero();
        assertThat(k4.output()).contains("alertname: strong_ratio_collapse").contains("22m");
    }

    @Test
    void theOracleNoticesAMissingBinomialNoiseFloor() throws Exception {
        // without the binomial term the MAD alone (0 at minute 31) makes a one-sd dip a collapse: promtool fires at
        // 32m where our engine does not
        assertThat(PROMQL_RULES).contains(BINOMIAL_FLOOR);
        Result r = compare(PROMQL_RULES.replace(BINOMIAL_FLOOR, ""));
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("alertname: strong_ratio_collapse").contains("32m");
    }

    private record Result(int exit, String output) {
    }

    private Result compare(String promqlRules) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PROMTOOL), PROMTOOL + " not installed: run `scripts/services.sh start` "
                + "(it installs the Debian prometheus package) or set -Dsoak.promtool");
        List<AlertRule> rules = AlertRules.build(Settings.empty(), AlertRules.standardSpecs(Settings.empty())).stream()
                .filter(r -> RULES.contains(r.name())).toList();
        AlertEngine engine = new AlertEngine(rules);
        List<Minute> series = series();
        List<MinuteStats> previous = new ArrayList<>();
        List<Map<String, AlertState>> states = new ArrayList<>();
        long lastDropped = 0;
        for (int i = 0; i < series.size(); i++) {
            Minute x = series.get(i);
            MinuteStats all = new MinuteStats(i * 60_000L, MinuteStats.ALL, x.decisions(), x.total(), x.strong(),
                    x.total() == 0 ? 0 : (double) x.strong() / x.total(), Map.of(), x.lowShare(), 0, 0, 0, 0, 0, Map.of());
            engine.evaluate(new Evaluation(all.minuteStartMs(), all, List.of(all), previous, x.dropped() - lastDropped,
                    x.exportFailures(), Map.of(), Map.of()));
            lastDropped = x.dropped();
            previous.add(all);
            states.add(engine.states());
        }
        // our engine itself must show every rule firing and resolving in this drill
        assertThat(engine.section().get("fired_rules")).asList().containsExactlyInAnyOrderElementsOf(RULES);
        assertThat(engine.section().get("resolved_rules")).asList().containsExactlyInAnyOrderElementsOf(RULES);

        Files.writeString(dir.resolve("rules.yml"), promqlRules);
        Files.writeString(dir.resolve("test.yml"), promtoolTest(series, states, rules));
        Process p = new ProcessBuilder(PROMTOOL.toString(), "test", "rules", "test.yml").directory(dir.toFile())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(40, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /**
     * The binomial term of strong_ratio_collapse's spread: ratio < median − k·max(1.4826·MAD, sqrt(p(1−p)/n)) is
     * ratio < median − k·1.4826·MAD and ratio < median − k·sqrt(p(1−p)/n) (k > 0), p the median, n the minute's
     * confirmed decisions (soak_last_minute_signals; with aliased symbols, the Java rule counts each recorded
     * symbol's decisions once: in PromQL, sum the recorded symbols' series instead).
     */
    static final String BINOMIAL_FLOOR = """
                              and
                                (soak_strong_ratio and soak_last_minute_signals >= 20)
                                  < (
                                      quantile_over_time(0.5, (soak_strong_ratio and soak_last_minute_signals >= 20)[14m:1m] offset 1m)
                                      - 3 * sqrt(
                                          quantile_over_time(0.5, (soak_strong_ratio and soak_last_minute_signals >= 20)[14m:1m] offset 1m)
                                          * (1 - quantile_over_time(0.5, (soak_strong_ratio and soak_last_minute_signals >= 20)[14m:1m] offset 1m))
                                          / soak_last_minute_signals
                                        )
                                    )
            """;

    /** The standard rules in PromQL over the exported series (labels: symbol="all"). */
    static final String PROMQL_RULES = """
            groups:
              - name: soak-standard
                interval: 1m
                rules:
                  - alert: no_signals
                    expr: soak_last_minute_signals == 0
                    for: 1m
                    labels: {severity: critical}
                  - alert: low_consistency
                    expr: soak_low_consistency_share > 0.8 and soak_last_minute_decisions >= 20
                    labels: {severity: warning}
                  - alert: strong_ratio_collapse
                    expr: |
                      (
                          (
                              (soak_strong_ratio and soak_last_minute_signals >= 20)
                                < (
                                    quantile_over_time(0.5, (soak_strong_ratio and soak_last_minute_signals >= 20)[14m:1m] offset 1m)
                                    - 3 * 1.4826 * quantile_over_time(0.5, abs(
                                          (soak_strong_ratio and soak_last_minute_signals >= 20)
                                          - quantile_over_time(0.5, (soak_strong_ratio and soak_last_minute_signals >= 20)[14m:1m] @ end() offset 1m)
                                      )[14m:1m] offset 1m)
                                  )
            """ + BINOMIAL_FLOOR + """
                          )
                        or
                          (soak_strong_ratio and soak_last_minute_signals >= 20)
                            < 0.25 * quantile_over_time(0.5, (soak_strong_ratio and soak_last_minute_signals >= 20)[14m:1m] offset 1m)
                      )
                      and count_over_time((soak_strong_ratio and soak_last_minute_signals >= 20)[14m:1m] offset 1m) >= 10
                    labels: {severity: warning}
                  - alert: export_failing
                    expr: soak_export_consecutive_failures >= 3
                    labels: {severity: warning}
                  - alert: data_dropped
                    expr: soak_queue_dropped_total - soak_queue_dropped_total offset 1m > 0
                    labels: {severity: warning}
            """;

    private static String promtoolTest(List<Minute> series, List<Map<String, AlertState>> states, List<AlertRule> rules) {
        StringBuilder b = new StringBuilder();
        b.append("rule_files:\n  - rules.yml\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n");
        // a closed minute i is a sample at the end of the minute, (i+1) minutes after the start
        series(b, "soak_last_minute_signals", series, m -> (double) m.total());
        series(b, "soak_last_minute_decisions", series, m -> (double) m.decisions());
        series(b, "soak_low_consistency_share", series, Minute::lowShare);
        series(b, "soak_strong_ratio", series, m -> m.total() == 0 ? 0 : (double) m.strong() / m.total());
        series(b, "soak_export_consecutive_failures", series, m -> (double) m.exportFailures());
        series(b, "soak_queue_dropped_total", series, m -> (double) m.dropped());
        b.append("    alert_rule_test:\n");
        for (int i = 0; i < states.size(); i++) {
            for (AlertRule r : rules) {
                b.append("      - eval_time: ").append(i + 1).append("m\n");
                b.append("        alertname: ").append(r.name()).append('\n');
                if (states.get(i).get(r.name()) == AlertState.FIRING) {
                    b.append("        exp_alerts:\n          - exp_labels: {severity: ").append(r.level())
                            .append(", symbol: all}\n");
                } else {
                    b.append("        exp_alerts: []\n");
                }
            }
        }
        return b.toString();
    }

    private static void series(StringBuilder b, String name, List<Minute> series,
                               java.util.function.ToDoubleFunction<Minute> f) {
        b.append("      - series: '").append(name).append("{symbol=\"all\"}'\n        values: '_");
        for (Minute m : series) {
            b.append(' ').append(String.format(Locale.ROOT, "%s", f.applyAsDouble(m)));
        }
        b.append("'\n");
    }
}
