package io.soak.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.stage.Settings;
import io.soak.api.stats.MinuteStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * strong_ratio_collapse against the sampling noise of one minute's strong share (issue #14): the spread is
 * max(1.4826·MAD, sqrt(p(1−p)/n)), p the baseline median, n the minute's independent confirmed decisions. Without
 * the binomial term the rule fired on the looped recordings (acceptance-60m), whose repeated minutes make the
 * MAD of the trailing minutes smaller than the binomial noise of one minute.
 */
class StrongRatioNoiseFloorTest {

    /** The minutes (confirmed, strong) of acceptance-60m's "all" row, run nok6 (the shared recordings looped). */
    private static final long[][] LOOPED = {{189, 39}, {402, 69}, {417, 66}, {372, 72}, {555, 114}, {507, 72},
            {450, 93}, {408, 60}, {363, 54}, {477, 96}, {549, 105}, {441, 66}, {456, 93}, {390, 48}, {384, 84},
            {525, 87}, {540, 108}, {396, 51}, {432, 87}, {417, 66}, {369, 63}, {564, 111}, {513, 87}, {414, 69},
            {417, 84}, {423, 63}, {375, 75}, {564, 111}, {504, 75}, {450, 84}, {276, 48}, {411, 63}, {465, 96},
            {546, 105}, {438, 63}, {468, 96}, {390, 45}, {390, 87}, {495, 84}, {552, 108}, {399, 45}, {441, 96},
            {420, 60}, {369, 69}, {537, 102}, {537, 93}, {399, 66}, {432, 84}, {420, 63}, {354, 69}, {573, 108},
            {507, 90}, {456, 75}, {402, 75}, {387, 54}, {441, 93}, {555, 111}, {447, 57}, {468, 102}, {384, 45}};

    private static AlertRule standard() {
        return AlertRules.build(Settings.empty(), AlertRules.standardSpecs(Settings.empty())).stream()
                .filter(r -> r.name().equals("strong_ratio_collapse")).findFirst().orElseThrow();
    }

    /** Six symbols, the last four copies of the first two (the scenario's aliases); counts are split evenly. */
    private static final Map<String, String> ALIASES = Map.of("BNBUSDT", "BTCUSDT", "XRPUSDT", "BTCUSDT",
            "SOLUSDT", "ETHUSDT", "DOGEUSDT", "ETHUSDT");

    private static List<String> feedLooped(AlertEngine engine, Map<String, String> sources) {
        List<MinuteStats> previous = new ArrayList<>();
        List<String> fired = new ArrayList<>();
        for (int i = 0; i < LOOPED.length; i++) {
            long start = Minutes.T0 + i * 60_000L;
            MinuteStats all = Minutes.row(start, LOOPED[i][0] * 2, LOOPED[i][0], LOOPED[i][1], 0.1);
            List<MinuteStats> rows = new ArrayList<>(List.of(all));
            for (String s : List.of("BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT", "DOGEUSDT")) {
                rows.add(symbolRow(start, s, LOOPED[i][0] / 6, LOOPED[i][1] / 6));
            }
            Evaluation e = new Evaluation(start, all, rows, previous, 0, 0, Map.of(), Map.of(), sources);
            for (AlertTransition t : engine.evaluate(e)) {
                if (t.state().equals("firing")) {
                    fired.add("minute " + i + ": " + t.details());
                }
            }
            previous.add(all);
        }
        return fired;
    }

    private static MinuteStats symbolRow(long start, String symbol, long total, long strong) {
        return new MinuteStats(start, symbol, total * 2, total, strong, total == 0 ? 0 : (double) strong / total,
                Map.of(), 0.1, total / 2, total - total / 2, 0, 0, 0, Map.of());
    }

    @Test
    void theLoopedRecordingsDoNotFireWithTheDefaultK() {
        // before the noise floor: fired at minutes 54 (0.1395 under 0.1462) and 59 (0.1172 under 0.1268)
        assertThat(feedLooped(new AlertEngine(List.of(standard())), ALIASES))
                .as("strong_ratio_collapse on the looped recordings with k = 3").isEmpty();
    }

    @Test
    void aliasedSymbolsAreNotIndependentDecisions() {
        // Counting every copy as a new decision makes n three times too large here: minute 59 (45 of 384 strong,
        // 2.0 sd below the median with the 128 decisions of the recorded symbols) would read as 3.5 sd
        List<String> fired = feedLooped(new AlertEngine(List.of(standard())), Map.of());
        assertThat(fired).hasSize(1);
        assertThat(fired.get(0)).startsWith("minute 59: strong_ratio=0.1172").contains("n=384");
    }

    @Test
    void binomialNoiseOfAThinMinuteAfterSteadyBusyMinutesDoesNotFire() {
        // Pure binomial noise: every minute's strong count is Binomial(n, 0.18). Fifteen busy minutes (n = 1,500)
        // give a MAD of about 0.0067; the judged minute is thin (n = 170, binomial sd 0.029). Over 2,000 trials
        // the MAD bound alone (0.18 - 3*1.4826*0.0067 = 0.15, about 1 sd) fires in ~15 % of them; with the floor
        // the bound is 3 binomial sd and it fires in about 0.1-0.5 %.
        Random random = new Random(14);
        int trials = 2_000;
        int fired = 0;
        for (int t = 0; t < trials; t++) {
            Minutes m = new Minutes(standard());
            for (int i = 0; i < 15; i++) {
                m.close(3_000, 1_500, binomial(random, 1_500, 0.18), 0.1);
            }
            if (!m.close(340, 170, binomial(random, 170, 0.18), 0.1).isEmpty()) {
                fired++;
            }
        }
        assertThat((double) fired / trials).as("false firings on binomial noise").isLessThan(0.01);
    }

    @Test
    void aRealCollapseStillFiresAboveTheQuarterFloor() {
        // median 0.18, n = 400: binomial sd 0.0192, bound 0.18 - 3*0.0192 = 0.122; 0.10 (40 of 400) is a collapse,
        // above the 0.045 floor; 0.13 (52 of 400) is not
        Minutes m = new Minutes(standard());
        for (int i = 0; i < 15; i++) {
            m.close(800, 400, 72, 0.1);
        }
        assertThat(m.close(800, 400, 52, 0.1)).isEmpty();
        assertThat(m.close(800, 400, 40, 0.1)).containsExactly("strong_ratio_collapse:firing");
        assertThat(m.engine.transitions().get(0).details()).contains("binomial sd 0.0192").contains("n=400");
    }

    private static int binomial(Random r, int n, double p) {
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (r.nextDouble() < p) {
                k++;
            }
        }
        return k;
    }
}
