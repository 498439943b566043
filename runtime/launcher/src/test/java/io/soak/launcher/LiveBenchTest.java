package io.soak.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.soak.api.plan.Mode;
import io.soak.api.plan.Pace;
import io.soak.api.plan.RestartPolicy;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.plan.SourceSpec;
import io.soak.api.plan.TimeseriesSpec;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code soak bench --live}: the load factors and the scaled plans (the runs themselves print figures). */
class LiveBenchTest {

    private static ScenarioPlan sixSymbols() {
        SourceSpec src = new SourceSpec("binance-ws", List.of("BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT", "DOGEUSDT"),
                List.of("trade", "bookTicker", "depth@100ms"), "", List.of("a.gz", "b.gz"), true,
                Map.of("BNBUSDT", "BTCUSDT", "SOLUSDT", "ETHUSDT", "XRPUSDT", "BTCUSDT", "DOGEUSDT", "ETHUSDT"),
                Map.of("serve", "files", "pace", "1x"), Map.of());
        return new ScenarioPlan("bench-live", "x.groovy", "0".repeat(64), Mode.LIVE, Pace.REALTIME, 1, Duration.ofMinutes(3),
                src, List.of("harvest", "signal"), List.of("dual"), Duration.ofSeconds(10), RestartPolicy.defaults(),
                TimeseriesSpec.file(), List.of(), List.of(), List.of(), Map.of(), "UTC");
    }

    @Test
    void tenTimesTheLoadServesSixtySymbolsAsAliasesOfTheRecordedOnes() {
        ScenarioPlan p = LiveBench.scaled(sixSymbols(), 10, Duration.ofSeconds(150));
        assertThat(p.name()).isEqualTo("bench-live-x10");
        assertThat(p.duration()).isEqualTo(Duration.ofSeconds(150));
        List<String> syms = p.source().symbols();
        assertThat(syms).hasSize(60).startsWith("BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT", "DOGEUSDT");
        assertThat(new HashSet<>(syms)).hasSize(60);
        assertThat(syms).allMatch(s -> s.matches("[A-Z0-9]{2,30}"));
        assertThat(p.source().aliases()).hasSize(58).containsEntry("B01USDT", "BTCUSDT").containsEntry("E01USDT", "ETHUSDT");
        assertThat(p.source().aliases().values()).containsOnly("BTCUSDT", "ETHUSDT");
        assertThat(LiveBench.scaled(sixSymbols(), 1, Duration.ofMinutes(2)).source().symbols()).hasSize(6);
    }

    @Test
    void loadFactorsAreCheckedAndThreadNamesGrouped() throws Exception {
        assertThat(LiveBench.loads("1, 10")).containsExactly(1, 10);
        assertThatThrownBy(() -> LiveBench.loads("1,x")).isInstanceOf(UserException.class).hasMessageContaining("--loads");
        assertThatThrownBy(() -> LiveBench.loads("0")).isInstanceOf(UserException.class);
        assertThat(LiveBench.ThreadCpu.group("soak-stage-harvest-3")).isEqualTo("soak-stage-harvest-#");
        assertThat(LiveBench.drops(Map.of("harvester_metrics", Map.of("queue_dropped", 3),
                "bus", Map.of("topics", Map.of("raw", Map.of("dropped", 3), "market", Map.of("dropped", 0)))))).isEqualTo(3);
    }
}
