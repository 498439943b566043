package io.soak.itests.signal;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.testdata.TestData;
import io.soak.api.plan.FaultSpec;
import io.soak.api.plan.Mode;
import io.soak.api.plan.Pace;
import io.soak.api.plan.RestartPolicy;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.plan.SourceSpec;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.api.stage.Settings;
import io.soak.api.stage.StageMetrics;
import io.soak.engine.RunContext;
import io.soak.engine.RunExtension;
import io.soak.engine.RunOutcome;
import io.soak.testing.SoakHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real recordings (shared/data/binance-usdm, BTCUSDT and ETHUSDT, ~345 s) replayed at max pace through
 * the real runtime: Felix host, engine, harvest, signal and broker bundles. Prints the decision distribution
 * per symbol (confirmed share, strong share of confirmed, guard reasons, regimes), writes it to
 * {@code target/reports/signal-replay-distribution.md}, and checks it is not degenerate, that the broker's
 * invariants hold and that each symbol's fills used that symbol's own prices, also across a kill of the
 * broker.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SignalReplayIT {

    private static final List<String> SYMBOLS = List.of("BTCUSDT", "ETHUSDT");
    private static final List<String> REASONS = List.of("warmup", "spread_bps>20.0", "lag_sec>3.0", "stale_book",
            "low_consistency", "weak_signal");
    private static final List<String> REGIMES = List.of("quiet", "normal", "active");

    @RegisterExtension
    static final SoakHost HOST = SoakHost.builder().bundles("soak-harvest", "soak-signal", "soak-broker")
            .awaitStages("harvest", "signal", "broker").build();

    private static Path data;

    @BeforeAll
    static void data() {
        // the full shared recordings (345 s) when found, else the 30 s fixture of runtime/testdata looped to the
        // same length (the regime turns after 30 s, the broker kill lands at 150 s): never a skip
        data = TestData.dir();
        System.out.println("SignalReplayIT reads the " + TestData.describe());
    }

    private static ScenarioPlan plan(String name, List<FaultSpec> faults) {
        SourceSpec source = new SourceSpec("capture", SYMBOLS, List.of("trade", "bookTicker", "depth@0ms"), "",
                List.of(data.resolve("btcusdt_20240808.gz").toString(), data.resolve("ethusdt_20240808.gz").toString()),
                !TestData.full(), Map.of(), Map.of(), Map.of());
        return new ScenarioPlan(name, "<itest>", "0".repeat(64), Mode.REPLAY, Pace.MAX, 7L,
                TestData.full() ? Duration.ofMinutes(10) : Duration.ofSeconds(345),
                source, List.of("harvest", "signal", "broker"), List.of(), Duration.ofSeconds(10),
                RestartPolicy.defaults(), new TimeseriesSpec("none", "", false, Map.of(), Map.of()), List.of(), faults,
                List.of(), Map.of(), "UTC");
    }

    @Test
    void recordingThroughTheRealRuntimeGivesANonDegenerateDistributionAndSoundBroker() throws Exception {
        Distribution dist = new Distribution();
        RunOutcome outcome = HOST.newRun(plan("signal-replay", List.of()), Settings.empty(), null, List.of(dist)).run();
        assertThat(outcome.exitCode()).as("%s", outcome.failures()).isNotEqualTo(3);

        Map<String, Object> m = outcome.manifest();
        String report = dist.describe() + "\nbroker: " + m.get("broker") + "\n";
        System.out.println(report);
        Path out = Path.of("target", "reports", "signal-replay-distribution.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, "# Signal decisions over the recorded replay (run " + outcome.runId() + ")\n\n```\n"
                + report + "```\n");

        Map<String, Long> all = dist.tally.get("all");
        assertThat(all.get("decisions")).as("decisions").isPositive();
        assertThat(all.get("confirmed")).as("some confirmed").isPositive().isLessThan(all.get("decisions"));
        assertThat(all.get("strong")).as("not all confirmed strong").isLessThan(all.get("confirmed"));
        for (String s : SYMBOLS) {
            assertThat(dist.tally.get(s).get("decisions")).as("decisions of %s", s).isPositive();
        }
        long regimesSeen = REGIMES.stream().filter(r -> all.getOrDefault("regime " + r, 0L) > 0).count();
        assertThat(regimesSeen).as("regimes over the run (starts normal, turns active after 30 s)").isGreaterThan(1);

        assertBrokerSound(m);
    }

    @Test
    void brokerKilledMidReplayContinuesFromItsJournalWithInvariantsHolding() throws Exception {
        List<FaultSpec> kill = List.of(new FaultSpec(Duration.ofSeconds(150), "kill", "broker", Duration.ZERO, Map.of()));
        RunOutcome outcome = HOST.newRun(plan("signal-replay-broker-kill", kill)).run();
        Map<String, Object> m = outcome.manifest();
        System.out.println("broker after a kill: " + m.get("broker"));
        assertThat(at(m, "status.processes.broker.restart_count")).isEqualTo(1);
        assertBrokerSound(m);
        // the journal the second instance continued from holds every intent of the run exactly once
        Path journal = outcome.runDirectory().resolve("state").resolve("broker-broker.journal");
        long orders = ((Number) ((Map<?, ?>) m.get("broker")).get("orders")).longValue();
        try (var lines = Files.lines(journal)) {
            assertThat(lines.count()).as("journal lines").isEqualTo(orders);
        }
    }

    @SuppressWarnings("unchecked")
    private static void assertBrokerSound(Map<String, Object> m) {
        Map<String, Object> broker = (Map<String, Object>) m.get("broker");
        assertThat(broker).as("broker section").isNotNull();
        assertThat(broker.get("invariants_ok")).as("invariants: %s", broker.get("invariants")).isEqualTo(true);
        assertThat(((Number) broker.get("fills")).longValue()).isPositive();
        Map<String, Map<String, Object>> positions = (Map<String, Map<String, Object>>) broker.get("positions");
        // each symbol's fills at its own book: BTC traded at ~61-62k, ETH at ~2.6-2.7k on 2024-08-08
        assertThat(num(positions.get("BTCUSDT"), "fill_book_price_min")).isBetween(55_000.0, 70_000.0);
        assertThat(num(positions.get("BTCUSDT"), "fill_book_price_max")).isBetween(55_000.0, 70_000.0);
        assertThat(num(positions.get("ETHUSDT"), "fill_book_price_min")).isBetween(2_000.0, 3_500.0);
        assertThat(num(positions.get("ETHUSDT"), "fill_book_price_max")).isBetween(2_000.0, 3_500.0);
    }

    private static double num(Map<String, Object> row, String key) {
        assertThat(row).as("position row").isNotNull();
        return ((Number) row.get(key)).doubleValue();
    }

    private static Object at(Map<String, Object> tree, String path) {
        Object node = tree;
        for (String p : path.split("\\.")) {
            node = node instanceof Map<?, ?> mm ? mm.get(p) : null;
        }
        return node instanceof Number n ? n.intValue() : node;
    }

    /** Reads the signal stage's per-symbol counters (engine-owned) when the run is over. */
    static final class Distribution implements RunExtension {
        final Map<String, Map<String, Long>> tally = new TreeMap<>();

        @Override
        public String name() {
            return "signal-distribution";
        }

        @Override
        public void afterRun(RunContext run, Map<String, Object> manifest) {
            StageMetrics sm = run.metrics("signal");
            for (String s : SYMBOLS) {
                Map<String, Long> t = new TreeMap<>();
                t.put("decisions", sm.counter("symbol_decisions." + s));
                t.put("confirmed", sm.counter("symbol_confirmed." + s));
                t.put("strong", sm.counter("symbol_strong." + s));
                REASONS.forEach(r -> t.put("guard " + r, sm.counter("symbol_guard." + s + ":" + r)));
                REGIMES.forEach(r -> t.put("regime " + r, sm.counter("symbol_regime." + s + ":" + r)));
                tally.put(s, t);
                t.forEach((k, v) -> tally.computeIfAbsent("all", x -> new TreeMap<>()).merge(k, v, Long::sum));
            }
        }

        String describe() {
            List<String> lines = new ArrayList<>();
            tally.forEach((s, t) -> {
                long d = t.get("decisions");
                long c = t.get("confirmed");
                lines.add(String.format(Locale.ROOT, "%-8s decisions=%d confirmed=%d (%.1f%%) strong=%d (%.1f%% of confirmed)",
                        s, d, c, 100.0 * c / Math.max(1, d), t.get("strong"), 100.0 * t.get("strong") / Math.max(1, c)));
                Map<String, Long> reasons = new TreeMap<>();
                Map<String, Long> regimes = new TreeMap<>();
                t.forEach((k, v) -> {
                    if (k.startsWith("guard ")) {
                        reasons.put(k.substring(6), v);
                    } else if (k.startsWith("regime ")) {
                        regimes.put(k.substring(7), v);
                    }
                });
                lines.add("         guard_reasons=" + reasons);
                lines.add("         regimes=" + regimes);
            });
            return String.join("\n", lines);
        }
    }
}
