package io.soak.signal.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.soak.api.signal.Decision;
import io.soak.api.stage.Settings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SymbolStateTest {

    private static final long T0 = 1_723_161_256_000L;
    private static final double MAD1 = 1.4826; // scale of a window with MAD 1

    private static SignalConfig cfg(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return SignalConfig.from(new Settings(m));
    }

    /**
     * DOMAIN.md's estimator and strong thresholds (z.method mad; strong 1.2 / 1.0 / 1.4): what most tests here were
     * written against, and still selectable. The calibrated defaults of issue #14 have their own tests below.
     */
    private static final SignalConfig DOMAIN_MD = cfg("z.method", "mad",
            "thresholds.normal.strong_buy", 1.2, "thresholds.normal.strong_sell", -1.2,
            "thresholds.active.strong_buy", 1.0, "thresholds.active.strong_sell", -1.0,
            "thresholds.quiet.strong_buy", 1.4, "thresholds.quiet.strong_sell", -1.4);

    // ---- calibrated rank z and the defaults of issue #14 ------------------------------------------------

    @Test
    void rankZIsTheInverseNormalOfTheMidRankAgainstThePreviousWindowOnly() {
        Script s = new Script(SignalConfig.defaults());
        assertThat(SignalConfig.defaults().zMethod()).isEqualTo("rank");
        long t = s.warmUp(T0, 50); // 25 samples of +1 and 25 of -1 in each window
        Decision d = s.step(t, 2.0, -1.0);
        // 2.0 is above all 50: r = 50 -> 50.5 / 51; -1.0 ties with 25, none below: r = 12.5 -> 13 / 51
        assertThat(d.zOfi()).isCloseTo(NormalQuantile.of(50.5 / 51), within(1e-12)).isCloseTo(2.334, within(1e-3));
        assertThat(d.zCvd()).isCloseTo(NormalQuantile.of(13.0 / 51), within(1e-12)).isCloseTo(-0.659, within(1e-3));
        assertThat(s.state.ofiWindow().size()).isEqualTo(51); // scored first, then added

        // a value equal to the window's median scores 0 whatever the scale
        Script m = new Script(SignalConfig.defaults());
        Decision zero = m.step(m.warmUp(T0, 50), 0.0, 1e-300);
        assertThat(zero.zOfi()).isZero();
    }

    @Test
    void rankZReachesTheCvdClipOnlyAtTheTwoMostExtremeRanksOfAFullWindowAndNeverTheOfiClip() {
        SignalConfig c = SignalConfig.defaults();
        RollingRobust w = new RollingRobust(300);
        for (int i = 0; i < 300; i++) {
            w.add(i);
        }
        Script s = new Script(c);
        assertThat(s.state.robustZ(w, -1.0)).isCloseTo(-2.936, within(1e-3)); // below all: r 0
        assertThat(s.state.robustZ(w, 0.5)).isCloseTo(-2.577, within(1e-3)); // r 1: past 2.5
        assertThat(s.state.robustZ(w, 1.5)).isGreaterThan(-2.5); // r 2: inside
        assertThat(SymbolState.clip(s.state.robustZ(w, -1.0), c.clipOfi())).isGreaterThan(-c.clipOfi());
    }

    @Test
    void strongThresholdsAreReDerivedForTheCalibratedScore() {
        SignalConfig c = SignalConfig.defaults();
        assertThat(c.thresholds("active")).isEqualTo(new SignalConfig.Thresholds(0.5, 1.6, -0.5, -1.6, 0.10));
        assertThat(c.thresholds("normal")).isEqualTo(new SignalConfig.Thresholds(0.6, 1.65, -0.6, -1.65, 0.12));
        assertThat(c.thresholds("quiet")).isEqualTo(new SignalConfig.Thresholds(0.7, 1.7, -0.7, -1.7, 0.15));
        assertThatThrownBy(() -> cfg("z.method", "median")).hasMessageContaining("signal.z.method")
                .hasMessageContaining("median");
    }

    @Test
    void aCrossedOrLockedBookIsAGuardAndNeverConfirms() {
        for (double ask : new double[] {100.0, 99.99}) { // locked (bid == ask), crossed (bid > ask)
            Script s = new Script(SignalConfig.defaults());
            s.ask = ask; // from the start, so the book change adds no OFI of its own
            long t = s.warmUp(T0, 50);
            Decision d = s.step(t, 3.0, 2.0); // would be a confirmed strong buy on a sane book
            assertThat(d.guardReasons()).as("ask %s", ask).containsExactly("crossed_book");
            assertThat(d.confirm()).isFalse();
            assertThat(d.strong()).isFalse();
            assertThat(d.signalType()).isEqualTo("pending");
        }
        Script sane = new Script(SignalConfig.defaults());
        Decision d = sane.step(sane.warmUp(T0, 50), 3.0, 2.0);
        assertThat(d.guardReasons()).isEmpty();
        assertThat(d.confirm()).isTrue();

        // its place in the documented order: after stale_book, before the z-dependent guards
        Script w = new Script(SignalConfig.defaults());
        w.ask = 99.99;
        long t = w.warmUp(T0, 50);
        w.lagMs = 4_000;
        w.ofi(t, 0.0);
        w.trade(t + 2_500, 0.0);
        Decision all = w.trade(t + 5_200, 0.0);
        assertThat(all.guardReasons()).containsExactly("lag_sec>3.0", "stale_book", "crossed_book", "low_consistency",
                "weak_signal");
    }

    // ---- OFI ------------------------------------------------------------------------------------------

    @Test
    void levelOfiFollowsContKukanovStoikovPerCase() {
        // bid up: +qb; ask unchanged: -qa + qa'
        assertThat(SymbolState.levelOfi(101, 2, 102, 3, 100, 5, 102, 4)).isEqualTo(2 - 3 + 4);
        // bid unchanged: qb - qb'; ask up: +qa'
        assertThat(SymbolState.levelOfi(100, 7, 103, 3, 100, 5, 102, 4)).isEqualTo(7 - 5 + 4);
        // bid down: -qb'; ask down: -qa
        assertThat(SymbolState.levelOfi(99, 7, 101, 3, 100, 5, 102, 4)).isEqualTo(-5 - 3);
    }

    @Test
    void multiLevelOfiWeighsLevelsAndRenormalisesToTheLevelsAvailable() {
        Script s = new Script(DOMAIN_MD);
        double[] bp = {100, 99, 98, 97, 96};
        double[] ap = {101, 102, 103, 104, 105};
        s.state.onDepth(Script.depth(T0, bp, new double[] {1, 1, 1, 1, 1}, ap, new double[] {1, 1, 1, 1, 1}));
        // same prices; bid quantities +1,+2,+3,+4,+5 ; asks unchanged -> e_k = k+1
        s.state.onDepth(Script.depth(T0 + 100, bp, new double[] {2, 3, 4, 5, 6}, ap, new double[] {1, 1, 1, 1, 1}));
        s.trade(T0 + 200, 0.0);
        double expected5 = 0.4 * 1 + 0.25 * 2 + 0.2 * 3 + 0.1 * 4 + 0.05 * 5; // weights sum to 1
        assertThat(s.state.ofiWindow().samples()).containsExactly(expected5);

        // a two-level book: weights 0.4 and 0.25 renormalised by 0.65
        Script two = new Script(DOMAIN_MD);
        two.state.onDepth(Script.depth(T0, new double[] {100, 99}, new double[] {1, 1}, new double[] {101, 102},
                new double[] {1, 1}));
        two.state.onDepth(Script.depth(T0 + 100, new double[] {100, 99}, new double[] {3, 1},
                new double[] {101, 102}, new double[] {1, 4}));
        two.trade(T0 + 200, 0.0);
        // level 0: bid +2 ; level 1: ask same price, qa 1 -> 4: -4 + 1 = -3
        assertThat(two.state.ofiWindow().samples()[0]).isCloseTo((0.4 * 2 + 0.25 * -3) / 0.65, within(1e-12));
    }

    @Test
    void bookTickerGivesLevelZeroOfiOnlyWhileNoFreshDepth() {
        Script s = new Script(DOMAIN_MD);
        s.book(T0);
        s.ofi(T0 + 10, 2.5);
        s.trade(T0 + 20, 0.0);
        assertThat(s.state.ofiWindow().samples()).containsExactly(2.5);

        // a depth update arrives: from now on tickers only refresh the top of book
        double[] bp = {100, 99};
        double[] ap = {100.01, 101};
        s.state.onDepth(Script.depth(T0 + 300, bp, new double[] {1, 1}, ap, new double[] {1, 1}));
        s.ofi(T0 + 310, 7.0);
        s.state.onDepth(Script.depth(T0 + 320, bp, new double[] {2, 1}, ap, new double[] {1, 1}));
        s.trade(T0 + 400, 0.0);
        assertThat(s.state.ofiWindow().samples()[1]).isCloseTo(0.4 * 1 / 0.65, within(1e-12));
    }

    // ---- CVD ------------------------------------------------------------------------------------------

    @Test
    void cvdAddsTakerBuysAndSubtractsTakerSells() {
        Script s = new Script(DOMAIN_MD);
        s.book(T0);
        s.trade(T0 + 1, 2.0); // m=false: taker buy
        s.trade(T0 + 2, -0.5); // m=true: taker sell
        assertThat(s.state.cvd()).isEqualTo(1.5);
        s.trade(T0 + 300, -1.0);
        // samples are the CVD change per evaluation interval: first interval +2, second -0.5 -1.0
        assertThat(s.state.cvdWindow().samples()).containsExactly(2.0, -1.5);
    }

    // ---- z-scores ---------------------------------------------------------------------------------------

    @Test
    void robustZUsesMedianAndMadOfThePreviousWindowOnly() {
        Script s = new Script(DOMAIN_MD);
        RollingRobust w = new RollingRobust(300);
        for (double x : new double[] {1, 2, 3, 4, 100}) {
            w.add(x);
        }
        assertThat(s.state.robustZ(w, 6.0)).isCloseTo((6.0 - 3.0) / (1.4826 * 1.0), within(1e-12));

        long t = s.warmUp(T0, 50);
        Decision d = s.step(t, 2.0, -1.0);
        // window of +-1 (median 0, MAD 1); the current value is not in it
        assertThat(d.zOfi()).isCloseTo(2.0 / MAD1, within(1e-12));
        assertThat(d.zCvd()).isCloseTo(-1.0 / MAD1, within(1e-12));
        assertThat(s.state.ofiWindow().size()).isEqualTo(51);
    }

    @Test
    void zScoresAreClippedPerFeature() {
        Script s = new Script(DOMAIN_MD);
        long t = s.warmUp(T0, 50);
        Decision d = s.step(t, 100.0, -100.0);
        assertThat(d.zOfi()).isEqualTo(3.0);
        assertThat(d.zCvd()).isEqualTo(-2.5);
    }

    @Test
    void flatWindowCannotDivideByZero() {
        Script s = new Script(DOMAIN_MD);
        s.book(T0 - 10);
        long t = T0;
        for (int i = 0; i < 50; i++) {
            s.step(t, 0.0, 0.0);
            t += 300;
        }
        Decision same = s.step(t, 0.0, 0.0);
        assertThat(same.zOfi()).isZero();
        assertThat(same.zCvd()).isZero();
        Decision moved = s.step(t + 300, 0.5, -0.5);
        assertThat(moved.zOfi()).isEqualTo(3.0);
        assertThat(moved.zCvd()).isEqualTo(-2.5);
        assertThat(Double.isFinite(moved.score())).isTrue();
    }

    @Test
    void warmsUpForFiftySamplesThenScores() {
        Script s = new Script(DOMAIN_MD);
        s.warmUp(T0, 51);
        List<Decision> d = s.decisions;
        assertThat(d).hasSize(51);
        assertThat(d.subList(0, 50)).allSatisfy(x -> {
            assertThat(x.guardReasons()).contains("warmup");
            assertThat(x.zOfi()).isZero();
            assertThat(x.confirm()).isFalse();
        });
        assertThat(d.get(50).guardReasons()).doesNotContain("warmup");
        assertThat(s.state.warmingUp()).isFalse();
    }

    @Test
    void gapInEventTimeOverFiveSecondsStartsTheWarmUpAgain() {
        Script s = new Script(DOMAIN_MD);
        long t = s.warmUp(T0, 60);
        assertThat(s.state.warmingUp()).isFalse();
        // exactly 5 s later: not a gap
        s.book(t - 299 + 5_000);
        assertThat(s.state.warmingUp()).isFalse();
        long later = t - 299 + 5_000 + 5_001;
        Decision d = s.step(later, 1.0, 1.0);
        assertThat(d.guardReasons()).contains("warmup");
        assertThat(s.state.ofiWindow().size()).isEqualTo(1);
    }

    // ---- fusion and consistency -----------------------------------------------------------------------

    @Test
    void fusionWeighsClippedInputs() {
        SymbolState st = new SymbolState(DOMAIN_MD, "X");
        assertThat(st.fusion(3.0, 2.5)).isCloseTo(0.6 * 3.0 + 0.4 * 2.5, within(1e-12));
        assertThat(st.fusion(1.0, -2.0)).isCloseTo(0.6 - 0.8, within(1e-12));
        // input clip at +-4 (reachable when the per-feature clips are raised)
        assertThat(st.fusion(9.0, -9.0)).isCloseTo(0.6 * 4 - 0.4 * 4, within(1e-12));
    }

    @Test
    void consistencyIsTheRatioOfMagnitudesWhenSignsAgreeElseZero() {
        SymbolState st = new SymbolState(DOMAIN_MD, "X");
        assertThat(st.consistency(2.0, 1.0)).isEqualTo(0.5);
        assertThat(st.consistency(-1.0, -2.0)).isEqualTo(0.5);
        assertThat(st.consistency(2.0, -1.0)).isZero();
        assertThat(st.consistency(2.0, 0.0)).isZero();
        assertThat(st.consistency(1e-9, 1.0)).isZero();
    }

    // ---- guards -----------------------------------------------------------------------------------------

    @Test
    void confirmedStrongBuyWhenEverythingAgrees() {
        Script s = new Script(DOMAIN_MD);
        long t = s.warmUp(T0, 50);
        Decision d = s.step(t, 3.0, 2.0);
        double zo = 3.0 / MAD1;
        double zc = 2.0 / MAD1;
        assertThat(d.regime()).isEqualTo("normal");
        assertThat(d.score()).isCloseTo(0.6 * zo + 0.4 * zc, within(1e-12));
        assertThat(d.consistency()).isCloseTo(zc / zo, within(1e-12));
        assertThat(d.guardReasons()).isEmpty();
        assertThat(d.confirm()).isTrue();
        assertThat(d.signalType()).isEqualTo("strong_buy");
        assertThat(d.strong()).isTrue();
        assertThat(d.spreadBps()).isCloseTo(0.01 / 100.005 * 10_000, within(1e-9));
    }

    @Test
    void plainSellBetweenTheThresholds() {
        Script s = new Script(DOMAIN_MD);
        long t = s.warmUp(T0, 50);
        Decision d = s.step(t, -1.0, -1.0); // score -1/1.4826 = -0.674: sell, not strong (normal regime)
        assertThat(d.score()).isCloseTo(-1.0 / MAD1, within(1e-12));
        assertThat(d.signalType()).isEqualTo("sell");
        assertThat(d.confirm()).isTrue();
        assertThat(d.strong()).isFalse();
    }

    @Test
    void spreadGuardCarriesTheExactString() {
        Script s = new Script(DOMAIN_MD);
        long t = s.warmUp(T0, 50);
        s.ask = 100.5; // (0.5 / 100.25) * 1e4 = 49.9 bps
        Decision d = s.step(t, 3.0, 2.0);
        assertThat(d.guardReasons()).containsExactly("spread_bps>20.0");
        assertThat(d.signalType()).isEqualTo("pending");
        assertThat(d.confirm()).isFalse();
        assertThat(d.strong()).isFalse();
    }

    @Test
    void lagGuardCarriesTheExactString() {
        Script s = new Script(DOMAIN_MD);
        long t = s.warmUp(T0, 50);
        s.lagMs = 3_500;
        Decision d = s.step(t, 3.0, 2.0);
        assertThat(d.lagSec()).isCloseTo(3.5, within(1e-9));
        assertThat(d.guardReasons()).containsExactly("lag_sec>3.0");
    }

    @Test
    void staleBookWhenTheBookIsOlderThanFiveSecondsOrMissing() {
        Script noBook = new Script(DOMAIN_MD);
        Decision first = noBook.trade(T0, 1.0);
        assertThat(first.guardReasons()).containsExactly("warmup", "stale_book");
        assertThat(first.spreadBps()).isZero();

        Script s = new Script(DOMAIN_MD);
        long t = s.warmUp(T0, 50);
        // trades keep coming (no gap), but the last book is 5.2 s old at the evaluating trade
        s.ofi(t, 3.0);
        s.trade(t + 2_500, 1.0);
        Decision d = s.trade(t + 5_200, 1.0);
        assertThat(d.guardReasons()).contains("stale_book");
        assertThat(d.guardReasons()).doesNotContain("warmup");
    }

    @Test
    void lowConsistencyAndWeakSignalInTheirOrder() {
        Script s = new Script(DOMAIN_MD);
        long t = s.warmUp(T0, 50);
        Decision opposite = s.step(t, 2.0, -2.0); // opposite signs: consistency 0
        assertThat(opposite.consistency()).isZero();
        assertThat(opposite.guardReasons()).containsExactly("low_consistency");
        assertThat(opposite.signalType()).isIn("pending", "neutral");

        Script w = new Script(DOMAIN_MD);
        Decision weak = w.step(w.warmUp(T0, 50), 0.1, 0.1); // tiny agreeing z: |score| < 0.15
        assertThat(weak.guardReasons()).containsExactly("weak_signal");
        assertThat(weak.signalType()).isEqualTo("neutral");
    }

    @Test
    void allGuardReasonsComeInTheDocumentedOrder() {
        Script s = new Script(DOMAIN_MD);
        s.ask = 101.0;
        s.lagMs = 4_000;
        s.book(T0);
        Decision d = s.trade(T0 + 6_000, 0.0); // gap (warm-up), wide spread, lagging, stale
        // while warming up there are no z-scores, so the z-dependent guards are not judged
        assertThat(d.guardReasons()).containsExactly("warmup", "spread_bps>20.0", "lag_sec>3.0", "stale_book");

        Script w = new Script(DOMAIN_MD);
        w.ask = 101.0; // wide from the start, so the spread change adds no OFI of its own
        long t = w.warmUp(T0, 50);
        w.lagMs = 4_000;
        w.ofi(t, 0.0);
        w.trade(t + 2_500, 0.0); // trades keep coming (no gap): the symbol stays warm
        Decision warm = w.trade(t + 5_200, 0.0); // warm, wide spread, lagging, stale, no signal
        assertThat(warm.guardReasons()).containsExactly("spread_bps>20.0", "lag_sec>3.0", "stale_book",
                "low_consistency", "weak_signal");
    }

    @Test
    void warmingUpDecisionsCarryNoZDependentGuards() {
        Script s = new Script(DOMAIN_MD);
        s.book(T0);
        Decision d = s.trade(T0 + 100, 1.0);
        assertThat(d.guardReasons()).containsExactly("warmup");
        assertThat(d.confirm()).isFalse();
    }

    @Test
    void guardStringsFollowTheConfiguredCaps() {
        SignalConfig c = cfg("guard.spread_bps_max", 5, "guard.lag_sec_max", 1.5);
        assertThat(c.spreadReason()).isEqualTo("spread_bps>5.0");
        assertThat(c.lagReason()).isEqualTo("lag_sec>1.5");
    }

    // ---- decision cadence, activity, regime -----------------------------------------------------------

    @Test
    void atMostOneDecisionPer250MsOfEventTime() {
        Script s = new Script(DOMAIN_MD);
        s.book(T0);
        for (long dt : new long[] {0, 100, 249, 250, 400, 499, 500, 760}) {
            s.trade(T0 + dt, 0.1);
        }
        assertThat(s.decisions).extracting(Decision::tsMs)
                .containsExactly(T0, T0 + 250, T0 + 500, T0 + 760);
    }

    @Test
    void activityIsTradesPerSecondOverTheLastMinuteOfEventTime() {
        Script s = new Script(DOMAIN_MD);
        for (int i = 0; i < 240; i++) {
            s.trade(T0 + i * 500L, 0.1); // 2 per second for 120 s
        }
        assertThat(s.state.tradesPerSecond(T0 + 119_999)).isCloseTo(2.0, within(0.05));
        // 30 s later without trades: half of the window is empty
        assertThat(s.state.tradesPerSecond(T0 + 150_000)).isCloseTo(1.0, within(0.05));
    }

    @Test
    void regimeChangesOnlyAfterTheNewRegimeHeldThirtySeconds() {
        SymbolState st = new SymbolState(DOMAIN_MD, "X");
        assertThat(st.updateRegime(T0, 2.0)).isEqualTo("normal");
        assertThat(st.updateRegime(T0 + 1_000, 4.0)).isEqualTo("normal");
        assertThat(st.updateRegime(T0 + 30_999, 4.0)).isEqualTo("normal");
        assertThat(st.updateRegime(T0 + 31_000, 4.0)).isEqualTo("active");
        // an interruption restarts the hold
        assertThat(st.updateRegime(T0 + 40_000, 0.5)).isEqualTo("active");
        assertThat(st.updateRegime(T0 + 55_000, 3.5)).isEqualTo("active");
        assertThat(st.updateRegime(T0 + 60_000, 0.5)).isEqualTo("active");
        assertThat(st.updateRegime(T0 + 89_999, 0.5)).isEqualTo("active");
        assertThat(st.updateRegime(T0 + 90_000, 0.5)).isEqualTo("quiet");
    }

    @Test
    void regimeThresholdsApplyPerRegime() {
        // quiet regime: buy needs 0.7, strong 1.4
        Script s = new Script(cfg("z.method", "mad", "regime.quiet_tps", 10.0, "regime.active_tps", 20.0));
        long t = s.warmUp(T0, 50);
        Decision d = s.step(t, 1.5, 1.5); // score 1.5/1.4826 = 1.0117: buy in quiet, strong in active (1.0)
        assertThat(d.regime()).isEqualTo("quiet");
        assertThat(d.signalType()).isEqualTo("buy");
        assertThat(d.guardReasons()).isEmpty();
    }
}
