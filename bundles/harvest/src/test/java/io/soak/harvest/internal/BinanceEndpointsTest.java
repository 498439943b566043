package io.soak.harvest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The 2026 endpoint split: book data on /public, the rest on /market; presets, legacy root, derived REST base. */
class BinanceEndpointsTest {

    @Test
    void productionDefaultRoutesBookDataToPublicAndTradesToMarket() {
        BinanceEndpoints e = BinanceEndpoints.of("", "", "");
        assertThat(e.wsBase()).isEqualTo("wss://fstream.binance.com");
        assertThat(e.restBase()).isEqualTo("https://fapi.binance.com");
        assertThat(e.routes(List.of("BTCUSDT", "ETHUSDT"), List.of("aggTrade", "bookTicker", "depth@100ms", "depth5@100ms")))
                .containsExactly(
                        new BinanceEndpoints.Route("public", "wss://fstream.binance.com/public/stream?streams="
                                + "btcusdt@bookTicker/btcusdt@depth@100ms/btcusdt@depth5@100ms/ethusdt@bookTicker/ethusdt@depth@100ms/ethusdt@depth5@100ms",
                                List.of("btcusdt@bookTicker", "btcusdt@depth@100ms", "btcusdt@depth5@100ms",
                                        "ethusdt@bookTicker", "ethusdt@depth@100ms", "ethusdt@depth5@100ms")),
                        new BinanceEndpoints.Route("market", "wss://fstream.binance.com/market/stream?streams=btcusdt@aggTrade/ethusdt@aggTrade",
                                List.of("btcusdt@aggTrade", "ethusdt@aggTrade")));
        assertThat(e.depthUrl("btcusdt", 1000)).isEqualTo("https://fapi.binance.com/fapi/v1/depth?symbol=BTCUSDT&limit=1000");
    }

    @Test
    void testnetEmulatorAndLegacyBases() {
        assertThat(BinanceEndpoints.of("testnet", "split", "").restBase()).isEqualTo("https://testnet.binancefuture.com");
        BinanceEndpoints emu = BinanceEndpoints.of("ws://127.0.0.1:40123/public", "split", "");
        assertThat(emu.wsBase()).isEqualTo("ws://127.0.0.1:40123");
        assertThat(emu.restBase()).isEqualTo("http://127.0.0.1:40123");
        assertThat(emu.routes(List.of("BTCUSDT"), List.of("trade"))).extracting(BinanceEndpoints.Route::name).containsExactly("market");
        BinanceEndpoints legacy = BinanceEndpoints.of("ws://127.0.0.1:1", "legacy", "http://127.0.0.1:2/");
        assertThat(legacy.restBase()).isEqualTo("http://127.0.0.1:2");
        assertThat(legacy.routes(List.of("BTCUSDT"), List.of("trade", "bookTicker"))).singleElement()
                .satisfies(r -> assertThat(r.url()).isEqualTo("ws://127.0.0.1:1/stream?streams=btcusdt@trade/btcusdt@bookTicker"));
    }

    @Test
    void rejectsABaseThatIsNotAWebSocketUrlAndAnUnknownLayout() {
        assertThatThrownBy(() -> BinanceEndpoints.of("https://fapi.binance.com", "split", "")).hasMessageContaining("ws:// or wss://");
        assertThatThrownBy(() -> BinanceEndpoints.of("", "combined", "")).hasMessageContaining("'split' or 'legacy'");
    }
}
