package io.soak.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.capture.CaptureTransform;
import io.soak.api.plan.SourceSpec;
import io.soak.api.source.RawMessage;
import io.soak.api.source.ReplayFeed;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticMarketTest {

    static final long START = 1_723_161_600_000L;

    @Test
    void theSameSeedGivesTheSameBytesAndAnotherSeedDoesNot() {
        SyntheticMarket a = new SyntheticMarket(42, List.of("BTCUSDT", "ETHUSDT"), List.of(), START);
        SyntheticMarket b = new SyntheticMarket(42, List.of("BTCUSDT", "ETHUSDT"), List.of(), START);
        SyntheticMarket c = new SyntheticMarket(43, List.of("BTCUSDT", "ETHUSDT"), List.of(), START);
        boolean differs = false;
        for (int i = 0; i < 20_000; i++) {
            RawMessage x = a.next();
            assertThat(b.next()).isEqualTo(x);
            differs |= !c.next().equals(x);
        }
        assertThat(differs).isTrue();
    }

    @Test
    void producesTheAskedStreamsInReceiveOrderWithRealisticRatesAndSpreads() {
        SyntheticMarket m = new SyntheticMarket(7, List.of("BTCUSDT", "DOGEUSDT"), List.of("aggTrade", "trade", "bookTicker",
                "depth5@100ms"), START);
        Map<String, Integer> per = new HashMap<>();
        long last = Long.MIN_VALUE;
        long end = (START + 600_000) * 1_000_000L;
        RawMessage r;
        while ((r = m.next()).receivedNanos() < end) {
            assertThat(r.receivedNanos()).isGreaterThanOrEqualTo(last);
            last = r.receivedNanos();
            per.merge(CaptureTransform.streamOf(r.text()), 1, Integer::sum);
            if (r.text().contains("@bookTicker")) {
                double bid = Double.parseDouble(field(r.text(), "\"b\":\""));
                double ask = Double.parseDouble(field(r.text(), "\"a\":\""));
                assertThat(ask).isGreaterThan(bid);
                assertThat((ask - bid) / ((ask + bid) / 2) * 10_000).as("spread bps").isLessThan(20);
            }
        }
        assertThat(per.keySet()).containsExactlyInAnyOrder("btcusdt@aggTrade", "btcusdt@trade", "btcusdt@bookTicker",
                "btcusdt@depth5@100ms", "dogeusdt@aggTrade", "dogeusdt@trade", "dogeusdt@bookTicker", "dogeusdt@depth5@100ms");
        assertThat(per.get("btcusdt@depth5@100ms")).isBetween(5_900, 6_001); // every 100 ms over 10 minutes
        assertThat(per.get("btcusdt@aggTrade")).isEqualTo(per.get("btcusdt@trade")).isBetween(300, 6_000);
    }

    @Test
    void movesThroughSeveralRegimes() {
        SyntheticMarket m = new SyntheticMarket(3, List.of("ETHUSDT"), List.of(), START);
        Set<String> seen = new HashSet<>();
        long end = (START + 3_600_000L) * 1_000_000L;
        while (m.next().receivedNanos() < end) {
            seen.add(m.regimes().get("ETHUSDT"));
        }
        assertThat(seen).hasSizeGreaterThanOrEqualTo(4).contains("active", "quiet");
    }

    @Test
    void theSyntheticReplayFeedIsEndlessAndDescribesItself() throws Exception {
        SourceSpec spec = new SourceSpec("synthetic", List.of("SOLUSDT"), List.of("trade", "bookTicker", "depth5@100ms"), "",
                List.of(), false, Map.of(), Map.of(), Map.of());
        try (ReplayFeed feed = new SyntheticReplayFeedFactory().open(spec, 5)) {
            for (int i = 0; i < 10_000; i++) {
                assertThat(feed.next()).isNotNull();
            }
            assertThat(feed.describe()).containsEntry("type", "synthetic").containsEntry("seed", 5L);
        }
    }

    @Test
    void rejectsBadEmulatorSettingsNamingTheField() {
        SourceSpec spec = new SourceSpec("binance-ws", List.of(), List.of(), "", List.of(), false, Map.of(),
                Map.of("serve", "files"), Map.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EmulatorSettings.of(spec, 0))
                .hasMessageContaining("emulator.serve");
        SourceSpec port = new SourceSpec("binance-ws", List.of(), List.of(), "", List.of(), false, Map.of(),
                Map.of("port", "abc"), Map.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EmulatorSettings.of(port, 0))
                .hasMessageContaining("emulator.port").hasMessageContaining("abc");
    }

    static String field(String text, String key) {
        int i = text.indexOf(key) + key.length();
        return text.substring(i, text.indexOf('"', i));
    }
}
