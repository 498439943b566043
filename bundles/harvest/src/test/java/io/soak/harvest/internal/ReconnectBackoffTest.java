package io.soak.harvest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {

    @Test
    void followsTheDocumentedScheduleCappedAtFiveSeconds() {
        ReconnectBackoff b = ReconnectBackoff.defaults();
        assertThat(new long[] {b.next(), b.next(), b.next(), b.next(), b.next(), b.next()})
                .containsExactly(1000, 1500, 2250, 3375, 5000, 5000);
    }

    @Test
    void resetsOnlyAfterAHealthySessionOfFiveMinutes() {
        ReconnectBackoff b = ReconnectBackoff.defaults();
        b.next();
        b.next();
        b.sessionEnded(299_999);
        assertThat(b.next()).isEqualTo(2250);
        b.sessionEnded(300_000);
        assertThat(b.next()).isEqualTo(1000);
    }

    @Test
    void buildsTheCombinedStreamUrlWithLowerCaseSymbols() {
        assertThat(BinanceWsSource.streamUrl("wss://fstream.binance.com/", java.util.List.of("BTCUSDT", "ETHUSDT"),
                java.util.List.of("aggTrade", "depth5@100ms")))
                .isEqualTo("wss://fstream.binance.com/stream?streams=btcusdt@aggTrade/btcusdt@depth5@100ms/"
                        + "ethusdt@aggTrade/ethusdt@depth5@100ms");
    }
}
