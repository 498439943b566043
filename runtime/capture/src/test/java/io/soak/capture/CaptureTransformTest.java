package io.soak.capture;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CaptureTransformTest {

    static final String TRADE = "{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":1723161256322,\"T\":1723161256322,"
            + "\"s\":\"BTCUSDT\",\"t\":5266583935,\"p\":\"61800.30\",\"q\":\"0.006\",\"X\":\"MARKET\",\"m\":false}}";
    static final String TICKER = "{\"stream\":\"btcusdt@bookTicker\",\"data\":{\"e\":\"bookTicker\",\"u\":5123107839020,"
            + "\"s\":\"BTCUSDT\",\"b\":\"61800.20\",\"B\":\"2.507\",\"a\":\"61800.30\",\"A\":\"2.510\",\"T\":1723161256313,\"E\":1723161256313}}";
    static final String DIFF = "{\"stream\":\"btcusdt@depth@0ms\",\"data\":{\"e\":\"depthUpdate\",\"E\":1723161256299,\"T\":1723161256298,"
            + "\"s\":\"BTCUSDT\",\"U\":5123107832006,\"u\":5123107837557,\"pu\":5123107831937,\"b\":[[\"58710.20\",\"0.014\"]],\"a\":[]}}";
    static final String AGG = "{\"stream\":\"ethusdt@aggTrade\",\"data\":{\"e\":\"aggTrade\",\"E\":100,\"a\":42,\"s\":\"ETHUSDT\","
            + "\"p\":\"3000.10\",\"q\":\"1.5\",\"f\":7,\"l\":9,\"T\":99,\"m\":true}}";

    @Test
    void shiftsTimesAndTradeIdsOfATrade() {
        String out = CaptureTransform.shift(TRADE, 1000, 10, 5);
        assertThat(out).contains("\"E\":1723161257322", "\"T\":1723161257322", "\"t\":5266583945",
                "\"p\":\"61800.30\"", "\"q\":\"0.006\"");
    }

    @Test
    void shiftsUpdateIdsButNeverBookPrices() {
        String out = CaptureTransform.shift(TICKER, 1, 1000, 7);
        assertThat(out).contains("\"u\":5123107839027", "\"a\":\"61800.30\"", "\"b\":\"61800.20\"", "\"E\":1723161256314");
        String diff = CaptureTransform.shift(DIFF, 0, 0, 100);
        assertThat(diff).contains("\"U\":5123107832106", "\"u\":5123107837657", "\"pu\":5123107832037",
                "[\"58710.20\",\"0.014\"]");
    }

    @Test
    void shiftsAggregateIdAndItsTradeRange() {
        assertThat(CaptureTransform.shift(AGG, 0, 100, 0)).contains("\"a\":142", "\"f\":107", "\"l\":109", "\"E\":100");
    }

    @Test
    void zeroShiftKeepsTheSameText() {
        assertThat(CaptureTransform.shift(TRADE, 0, 0, 0)).isSameAs(TRADE);
    }

    @Test
    void aliasRewritesStreamAndSymbolOnly() {
        String out = new CaptureTransform.Alias("BTCUSDT", "SOLUSDT").apply(TRADE);
        assertThat(out).startsWith("{\"stream\":\"solusdt@trade\"").contains("\"s\":\"SOLUSDT\"").doesNotContain("BTC", "btc");
        assertThat(new CaptureTransform.Alias("btcusdt", "BTCUSDT").apply(TRADE)).isSameAs(TRADE);
    }

    @Test
    void wrapsABareSnapshotUnderItsSymbol() {
        String snap = "{\"lastUpdateId\":5,\"E\":1,\"T\":1,\"bids\":[[\"1.0\",\"2\"]],\"asks\":[[\"1.1\",\"3\"]]}";
        assertThat(CaptureTransform.isSnapshot(snap)).isTrue();
        String wrapped = CaptureTransform.wrapSnapshot(snap, "BTCUSDT");
        assertThat(CaptureTransform.streamOf(wrapped)).isEqualTo("btcusdt@depthSnapshot");
        assertThat(CaptureTransform.shift(wrapped, 0, 0, 10)).contains("\"lastUpdateId\":15");
        assertThat(CaptureTransform.streamOf(snap)).isNull();
    }
}
