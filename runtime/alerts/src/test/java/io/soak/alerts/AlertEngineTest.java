package io.soak.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.soak.api.plan.AlertRuleSpec;
import io.soak.api.stage.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertEngineTest {

    private static AlertRule standard(String name) {
        return AlertRules.build(Settings.empty(), AlertRules.standardSpecs(Settings.empty())).stream()
                .filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void noSignalsIsPendingAfterOneEmptyMinuteFiresAfterTheSecondAndResolvesWithTheFirstSignal() {
        Minutes m = new Minutes(standard("no_signals"));
        assertThat(m.normal()).isEmpty();
        assertThat(m.close(40, 0, 0, 0.1)).containsExactly("no_signals:pending");
        assertThat(m.close(40, 0, 0, 0.1)).containsExactly("no_signals:firing");
        assertThat(m.close(40, 0, 0, 0.1)).isEmpty();
        assertThat(m.state("no_signals")).isEqualTo(AlertState.FIRING);
        assertThat(m.close(40, 3, 0, 0.1)).containsExactly("no_signals:resolved");
        assertThat(m.state("no_signals")).isEqualTo(AlertState.INACTIVE);
        AlertTransition fired = m.engine.transitions().get(1);
        assertThat(fired.atMs()).isEqualTo(Minutes.T0 + 3 * 60_000L);
        assertThat(fired.at()).isEqualTo("2026-01-01T00:03:00Z");
        assertThat(fired.level()).isEqualTo("critical");
        assertThat(fired.value()).isZero();
    }

    @Test
    void noSignalsForOneEmptyMinuteGoesBackToInactiveWithoutFiring() {
        Minutes m = new Minutes(standard("no_signals"));
        assertThat(m.close(0, 0, 0, 0)).containsExactly("no_signals:pending");
        assertThat(m.normal()).containsExactly("no_signals:inactive");
        assertThat(m.engine.section()).extractingByKey("fired_rules").asList().isEmpty();
    }

    @Test
    void lowConsistencyFiresInTheMinuteAboveEightyPercentAndResolvesInTheNext() {
        Minutes m = new Minutes(standard("low_consistency"));
        assertThat(m.close(100, 10, 1, 0.80)).as("exactly 80 %% is not above").isEmpty();
        assertThat(m.close(100, 10, 1, 0.81)).containsExactly("low_consistency:firing");
        assertThat(m.close(100, 10, 1, 0.95)).isEmpty();
        assertThat(m.close(100, 10, 1, 0.50)).containsExactly("low_consistency:resolved");
    }

    @Test
    void lowConsistencyIgnoresMinutesWithFewerThanTwentyDecisions() {
        Minutes m = new Minutes(standard("low_consistency"));
        assertThat(m.close(19, 1, 0, 1.0)).isEmpty();
        assertThat(m.close(20, 1, 0, 1.0)).containsExactly("low_consistency:firing");
    }

    @Test
    void strongRatioCollapseNeedsTenBaselineMinutesThenFiresOnACollapseAndResolvesOnRecovery() {
        Minutes m = new Minutes(standard("strong_ratio_collapse"));
        // 9 baseline minutes are not enough, whatever the ratio
        for (int i = 0; i < 9; i++) {
            assertThat(m.close(100, 50, 10 + (i % 3), 0.1)).isEmpty();
        }
        assertThat(m.close(100, 50, 0, 0.1)).as("only 9 baseline minutes").isEmpty();
        // the collapsed minute (total 50 >= 20) is itself in the baseline now: 10 minutes, median 0.2
        assertThat(m.close(100, 50, 1, 0.1)).containsExactly("strong_ratio_collapse:firing");
        assertThat(m.engine.transitions().get(0).value()).isEqualTo(0.02);
        assertThat(m.close(100, 50, 11, 0.1)).containsExactly("strong_ratio_collapse:resolved");
    }

    @Test
    void strongRatioCollapseFiresBelowAQuarterOfTheMedianEvenWithAWideSpread() {
        Minutes m = new Minutes(standard("strong_ratio_collapse"));
        // ratios cycle 0.1 / 0.3 / 0.5: median 0.3, MAD 0.2 -> lower bound negative, floor 0.075
        for (int i = 0; i < 15; i++) {
            m.close(100, 50, 5 + 10 * (i % 3), 0.1);
        }
        assertThat(m.close(100, 50, 4, 0.1)).as("0.08 is above the floor").isEmpty();
        assertThat(m.close(100, 50, 3, 0.1)).containsExactly("strong_ratio_collapse:firing");
    }

    @Test
    void strongRatioCollapseDoesNotJudgeAMinuteWithTooFewConfirmedDecisions() {
        Minutes m = new Minutes(standard("strong_ratio_collapse"));
        for (int i = 0; i < 12; i++) {
            m.normal();
        }
        assertThat(m.close(100, 19, 0, 0.1)).isEmpty();
        assertThat(m.close(100, 20, 0, 0.1)).containsExactly("strong_ratio_collapse:firing");
    }

    @Test
    void exportFailingFiresAtTheThirdConsecutiveFailureAndResolvesAfterASuccess() {
        Minutes m = new Minutes(standard("export_failing"));
        m.exportFailures = 2;
        assertThat(m.normal()).isEmpty();
        m.exportFailures = 3;
        assertThat(m.normal()).containsExactly("export_failing:firing");
        m.exportFailures = 4;
        assertThat(m.normal()).isEmpty();
        m.exportFailures = 0;
        assertThat(m.normal()).containsExactly("export_failing:resolved");
    }

    @Test
    void dataDroppedFiresInTheMinuteTheIngressDroppedAndResolvesInTheNext() {
        Minutes m = new Minutes(standard("data_dropped"));
        assertThat(m.normal()).isEmpty();
        m.dropped = 7;
        assertThat(m.normal()).containsExactly("data_dropped:firing");
        m.dropped = 0;
        assertThat(m.normal()).containsExactly("data_dropped:resolved");
    }

    @Test
    void stageUnhealthyFiresOnlyForThirtySecondsInARow() {
        Minutes m = new Minutes(standard("stage_unhealthy"));
        m.unhealthy = Map.of("signal", 20.0);
        assertThat(m.normal()).isEmpty();
        m.unhealthy = Map.of("signal", 30.0, "broker", 10.0);
        assertThat(m.normal()).containsExactly("stage_unhealthy:firing");
        assertThat(m.engine.transitions().get(0).details()).startsWith("signal unhealthy 30s");
        m.unhealthy = Map.of();
        assertThat(m.normal()).containsExactly("stage_unhealthy:resolved");
    }

    @Test
    void keepFiringForKeepsTheAlertFiringCountedFromTheFirstFalseEvaluation() {
        AlertRule r = AlertRules.rule("lc", "low_consistency", "warning", Duration.ZERO, Duration.ofMinutes(2),
                Map.of(), true);
        Minutes m = new Minutes(r);
        assertThat(m.close(100, 10, 1, 0.9)).containsExactly("lc:firing");
        assertThat(m.close(100, 10, 1, 0.1)).as("0 < 2m since first false").isEmpty();
        assertThat(m.close(100, 10, 1, 0.1)).as("1m < 2m").isEmpty();
        assertThat(m.close(100, 10, 1, 0.1)).as("2m: resolved").containsExactly("lc:resolved");
    }

    @Test
    void keepFiringForRestartsWhenTheConditionReturns() {
        AlertRule r = AlertRules.rule("lc", "low_consistency", "warning", Duration.ZERO, Duration.ofMinutes(2),
                Map.of(), true);
        Minutes m = new Minutes(r);
        m.close(100, 10, 1, 0.9);
        m.close(100, 10, 1, 0.1);
        assertThat(m.close(100, 10, 1, 0.9)).isEmpty();
        m.close(100, 10, 1, 0.1);
        m.close(100, 10, 1, 0.1);
        assertThat(m.state("lc")).isEqualTo(AlertState.FIRING);
        assertThat(m.close(100, 10, 1, 0.1)).containsExactly("lc:resolved");
    }

    @Test
    void forLongerThanAMinuteGoesThroughPendingForEachWholeMinute() {
        AlertRule r = AlertRules.rule("few", "threshold", "info", Duration.ofMinutes(3), Duration.ZERO,
                Map.of("metric", "total", "below", 5), true);
        Minutes m = new Minutes(r);
        assertThat(m.close(10, 1, 0, 0)).containsExactly("few:pending");
        assertThat(m.close(10, 1, 0, 0)).isEmpty();
        assertThat(m.close(10, 1, 0, 0)).containsExactly("few:firing");
    }

    @Test
    void thresholdRuleComparesAnyMinuteStatistic() {
        AlertRule r = AlertRules.rule("slow", "threshold", "warning", Duration.ZERO, Duration.ZERO,
                Map.of("metric", "latency.p99", "above", 15), true);
        Minutes m = new Minutes(r);
        assertThat(m.normal()).containsExactly("slow:firing");
        assertThatThrownBy(() -> AlertRules.rule("x", "threshold", "warning", Duration.ZERO, Duration.ZERO,
                Map.of("metric", "totl", "above", 1), true)).hasMessageContaining("alert rule 'x': unknown minute statistic 'totl'");
    }

    @Test
    void configTunesTheStandardRulesAndThePlanListIsExactlyTheRulesOfTheRun() {
        Settings config = new Settings(Map.of("alerts.low_consistency.threshold", 0.5, "alerts.no_signals.for", "3m",
                "alerts.data_dropped.enabled", false));
        List<AlertRuleSpec> standard = AlertRules.standardSpecs(config);
        assertThat(standard).extracting(AlertRuleSpec::name).containsExactlyElementsOf(AlertRules.STANDARD);
        assertThat(standard.get(0).forDuration()).isEqualTo(Duration.ofMinutes(3));
        assertThat(standard.get(4).enabled()).isFalse();

        List<AlertRule> rules = AlertRules.build(config, List.of(
                new AlertRuleSpec("low_consistency", "critical", "low_consistency", null, null, Map.of("min_decisions", 5), true),
                new AlertRuleSpec("too_many_fills", "warning", "threshold", Duration.ofMinutes(2), null,
                        Map.of("metric", "fills", "above", 100), true)));
        assertThat(rules).extracting(AlertRule::name).containsExactly("low_consistency", "too_many_fills");
        AlertRule lc = rules.get(0);
        assertThat(lc.level()).isEqualTo("critical");
        assertThat(lc.condition()).as("config threshold, plan min_decisions").isEqualTo(new AlertCondition.LowConsistency(0.5, 5));
        assertThat(rules.get(1).forDuration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(AlertRules.build(config, List.of())).as("alerts { none() }").isEmpty();
    }

    @Test
    void theDslsParameterNamesAreUnderstood() {
        AlertRule r = AlertRules.build(Settings.empty(), List.of(new AlertRuleSpec("strong_ratio_collapse", "warning",
                "strong_ratio_collapse", null, null, Map.of("trailing", 20L, "min_minutes", 12L, "min_total", 30L,
                "mad_k", 2.5, "floor", 0.3), true))).get(0);
        assertThat(r.condition()).isEqualTo(new AlertCondition.StrongRatioCollapse(20, 12, 30, 2.5, 0.3));
    }

    @Test
    void unknownKindIsAOneLineErrorNamingTheRule() {
        assertThatThrownBy(() -> AlertRules.build(Settings.empty(), List.of(
                new AlertRuleSpec("weird", "warning", "magic", null, null, Map.of(), true))))
                .hasMessageStartingWith("alert rule 'weird': unknown kind 'magic'");
    }

    @Test
    void manifestSectionListsTriggeredRecoveredAndTotals() {
        Minutes m = new Minutes(standard("no_signals"), standard("low_consistency"));
        m.close(0, 0, 0, 0);
        m.close(30, 0, 0, 0.9);
        m.normal();
        Map<String, Object> s = m.engine.section();
        assertThat(s).containsKeys("triggered", "recovered", "transitions", "fired_rules", "resolved_rules",
                "active_at_end", "totals", "rules", "states");
        assertThat(s.get("fired_rules")).isEqualTo(List.of("no_signals", "low_consistency"));
        assertThat(s.get("resolved_rules")).isEqualTo(List.of("no_signals", "low_consistency"));
        assertThat(s.get("active_at_end")).isEqualTo(List.of());
        @SuppressWarnings("unchecked")
        Map<String, Object> totals = (Map<String, Object>) s.get("totals");
        assertThat(totals).containsEntry("fired", 2).containsEntry("resolved", 2).containsEntry("evaluations", 3L);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> recovered = (List<Map<String, Object>>) s.get("recovered");
        assertThat(recovered.get(0)).containsEntry("rule", "no_signals").containsEntry("fired_at", "2026-01-01T00:02:00Z")
                .containsEntry("at", "2026-01-01T00:03:00Z").containsEntry("firing_s", 60.0);
    }

    @Test
    void durationsAcceptShortFormsIsoAndSeconds() {
        assertThat(Durations.parse("k", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("k", "30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("k", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("k", "PT1H")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("k", 90)).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> Durations.parse("alerts.x.for", "soon")).hasMessageContaining("alerts.x.for");
    }
}
