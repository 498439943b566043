package io.soak.signal.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.market.MarketEvent;
import io.soak.api.signal.Decision;
import io.soak.api.stage.Envelope;
import io.soak.api.stage.Topics;
import io.soak.signal.testkit.RecordedMarket;
import io.soak.testdata.TestData;
import io.soak.testing.fakes.FakeStageContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue #14: the z-scores are calibrated and strong is a tail. Over every decision after warm-up of the recorded
 * data: P(|z_ofi| &gt; 2) and P(|z_cvd| &gt; 2) each within 2–8 % (4.6 % for a true z), strong within 10–25 % of the
 * confirmed decisions, at most 1 % of the values at the clip. On the full shared recordings (345 s, ~1,700
 * decisions after warm-up) these are the bounds. On the 30 s fixture (~70 decisions after warm-up, the
 * window never past ~90 samples) the same figures are printed and only a loose version is asserted (the sampling
 * error of a share over 70 decisions is ±5 points): the calibration is judged on the full recordings.
 * The DOMAIN.md estimator ({@code z.method: mad}) is measured on the same data for comparison and must fail
 * the calibration (it is what the issue reports).
 */
@Timeout(120)
class CalibrationTest {

    private static List<MarketEvent> events;

    @BeforeAll
    static void load() throws Exception {
        events = RecordedMarket.load(RecordedMarket.recordings());
        System.out.println("CalibrationTest reads the " + TestData.describe());
    }

    /** Figures over the decisions after warm-up of one run. */
    record Figures(String method, int warm, double pOfiAbove2, double pCvdAbove2, double ofiAtClip, double cvdAtClip,
                   long confirmed, long strong, Map<String, double[]> confirmedScoresByRegime) {

        /** Share of all z values (OFI and CVD together) at their clip. */
        double atClip() {
            return (ofiAtClip + cvdAtClip) / 2;
        }

        double strongShare() {
            return confirmed == 0 ? 0 : (double) strong / confirmed;
        }

        String describe() {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                    "z.method=%s: %d decisions after warm-up; P(|z_ofi|>2) %.2f %%, P(|z_cvd|>2) %.2f %%, at the clip"
                            + " ofi %.2f %% cvd %.2f %% (all z %.2f %%); confirmed %d, strong %d (%.1f %% of confirmed)",
                    method, warm, 100 * pOfiAbove2, 100 * pCvdAbove2, 100 * ofiAtClip, 100 * cvdAtClip, 100 * atClip(), confirmed,
                    strong, 100 * strongShare()));
            // the rank z is scale-free: pooled over regimes, the confirmed |score| past each regime's buy threshold
            double[] pooled = confirmedScoresByRegime.values().stream().flatMapToDouble(Arrays::stream).sorted().toArray();
            for (double buy : new double[] {0.5, 0.6, 0.7}) {
                double[] past = Arrays.stream(pooled).filter(x -> x >= buy).toArray();
                b.append(String.format(Locale.ROOT, "%n  pooled |score| >= %.1f: %4d, p80 %.3f p83 %.3f p85 %.3f",
                        buy, past.length, q(past, 0.80), q(past, 0.83), q(past, 0.85)));
            }
            confirmedScoresByRegime.forEach((regime, s) -> b.append(String.format(Locale.ROOT,
                    "%n  %-6s confirmed %4d |score| quantiles p50 %.3f p75 %.3f p80 %.3f p85 %.3f p90 %.3f",
                    regime, s.length, q(s, 0.5), q(s, 0.75), q(s, 0.80), q(s, 0.85), q(s, 0.90))));
            return b.toString();
        }

        static double q(double[] sorted, double p) {
            return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
        }
    }

    static Figures measure(Map<String, Object> config) {
        FakeStageContext ctx = new FakeStageContext(config, 1L, null);
        SignalStage stage = new SignalStage();
        stage.start(ctx);
        for (int i = 0; i < events.size(); i++) {
            MarketEvent e = events.get(i);
            ctx.setNanos(e.receivedNanos());
            stage.handle(new Envelope(Topics.MARKET, i + 1, e.receivedNanos(), e));
        }
        SignalConfig cfg = SignalConfig.from(new io.soak.api.stage.Settings(config));
        List<Decision> decisions = ctx.emitted(Topics.DECISION, Decision.class);
        int warm = 0;
        int ofi2 = 0;
        int cvd2 = 0;
        int ofiClip = 0;
        int cvdClip = 0;
        long confirmed = 0;
        long strong = 0;
        Map<String, List<Double>> scores = new TreeMap<>();
        for (Decision d : decisions) {
            if (d.guardReasons().contains("warmup")) {
                continue;
            }
            warm++;
            ofi2 += Math.abs(d.zOfi()) > 2 ? 1 : 0;
            cvd2 += Math.abs(d.zCvd()) > 2 ? 1 : 0;
            ofiClip += Math.abs(d.zOfi()) >= cfg.clipOfi() ? 1 : 0;
            cvdClip += Math.abs(d.zCvd()) >= cfg.clipCvd() ? 1 : 0;
            if (d.confirm()) {
                confirmed++;
                strong += d.strong() ? 1 : 0;
                scores.computeIfAbsent(d.regime(), r -> new ArrayList<>()).add(Math.abs(d.score()));
            }
        }
        Map<String, double[]> sorted = new TreeMap<>();
        scores.forEach((r, l) -> {
            double[] a = l.stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(a);
            sorted.put(r, a);
        });
        double n = Math.max(1, warm);
        return new Figures(String.valueOf(config.getOrDefault("z.method", "rank")), warm, ofi2 / n, cvd2 / n,
                ofiClip / n, cvdClip / n, confirmed, strong, sorted);
    }

    @Test
    void rankZIsCalibratedAndStrongIsATailOfTheConfirmedDecisions() {
        Figures f = measure(Map.of());
        System.out.println(f.describe());
        if (TestData.full()) {
            assertThat(f.warm()).isGreaterThan(1_500);
            assertThat(f.pOfiAbove2()).as("P(|z_ofi| > 2)").isBetween(0.02, 0.08);
            assertThat(f.pCvdAbove2()).as("P(|z_cvd| > 2)").isBetween(0.02, 0.08);
            assertThat(f.strongShare()).as("strong share of confirmed").isBetween(0.10, 0.25);
            // of all z values; per z the OFI clip (3) is out of reach of a 300-sample window (extreme mid-rank
            // -> |z| 2.94) and the CVD clip (2.5) is reached by the 2 extreme ranks of each tail: 4/301 = 1.3 %
            // for exchangeable samples, whatever the data
            assertThat(f.atClip()).as("z values at the clip").isLessThanOrEqualTo(0.01);
            assertThat(f.ofiAtClip()).as("z_ofi at the clip").isLessThanOrEqualTo(0.01);
            assertThat(f.cvdAtClip()).as("z_cvd at the clip").isLessThanOrEqualTo(0.025);
        } else {
            // the 30 s fixture: ~70 decisions after warm-up, a window of 50-90 samples (its extreme mid-rank
            // maps to |z| 2.3-2.6, so nothing reaches the OFI clip); loose bounds, printed figures
            assertThat(f.warm()).isGreaterThan(50);
            assertThat(f.pOfiAbove2()).as("P(|z_ofi| > 2)").isLessThanOrEqualTo(0.15);
            assertThat(f.pCvdAbove2()).as("P(|z_cvd| > 2)").isLessThanOrEqualTo(0.15);
            assertThat(f.strongShare()).as("strong share of confirmed").isLessThanOrEqualTo(0.40);
            assertThat(f.ofiAtClip()).as("z_ofi at the clip").isLessThanOrEqualTo(0.01);
            assertThat(f.cvdAtClip()).as("z_cvd at the clip").isLessThanOrEqualTo(0.05);
        }
    }

    @Test
    void theMadEstimatorOfDomainMdIsNotCalibratedOnTheSameData() {
        Figures f = measure(Map.of("z.method", "mad"));
        System.out.println(f.describe());
        // the finding, kept selectable for comparison: far too many |z| > 2 and values at the clip
        assertThat(Math.max(f.pOfiAbove2(), f.pCvdAbove2())).as("P(|z| > 2) of the MAD z").isGreaterThan(0.08);
        assertThat(Math.max(f.ofiAtClip(), f.cvdAtClip())).as("MAD z at the clip").isGreaterThan(0.01);
        // with DOMAIN.md's estimator (and the re-derived thresholds) strong is no tail: the 10-25 % bound fails
        assertThat(f.strongShare()).as("strong share of confirmed with the MAD z").isGreaterThan(0.25);
    }
}
