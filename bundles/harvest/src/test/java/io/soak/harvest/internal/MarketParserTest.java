package io.soak.harvest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.soak.api.market.BookDepth;
import io.soak.api.market.BookTicker;
import io.soak.api.market.Trade;
import io.soak.api.source.RawMessage;
import org.junit.jupiter.api.Test;

class MarketParserTest {

    private final MarketParser parser = new MarketParser();

    @Test
    void parsesARecordedTrade() throws Exception {
        RawMessage raw = SharedData.first(SharedData.BTC, "\"btcusdt@trade\"");
        Trade t = (Trade) parser.parse(raw);
        assertThat(t.symbol()).isEqualTo("BTCUSDT");
        assertThat(t.stream()).isEqualTo("btcusdt@trade");
        assertThat(t.tradeId()).isEqualTo(5266583935L);
        assertThat(t.price()).isEqualTo(61800.30);
        assertThat(t.quantity()).isEqualTo(0.006);
        assertThat(t.takerBuy()).isTrue();
        assertThat(t.eventTimeMs()).isEqualTo(1723161256322L);
        assertThat(t.receivedNanos()).isEqualTo(raw.receivedNanos());
    }

    @Test
    void parsesARecordedBookTickerWithQuotedPricesUnderAAndB() throws Exception {
        BookTicker b = (BookTicker) parser.parse(SharedData.first(SharedData.BTC, "\"btcusdt@bookTicker\""));
        assertThat(b.updateId()).isEqualTo(5123107839020L);
        assertThat(b.bidPrice()).isEqualTo(61800.20);
        assertThat(b.bidQuantity()).isEqualTo(2.507);
        assertThat(b.askPrice()).isEqualTo(61800.30);
        assertThat(b.askQuantity()).isEqualTo(2.510);
        assertThat(b.eventTimeMs()).isEqualTo(1723161256313L);
    }

    @Test
    void parsesARecordedDiffUpdateWithItsSequenceIds() throws Exception {
        ParsedDepth d = (ParsedDepth) parser.parse(SharedData.first(SharedData.BTC, "\"btcusdt@depth@0ms\""));
        assertThat(d.snapshot()).isFalse();
        assertThat(d.firstId()).isEqualTo(5123107832006L);
        assertThat(d.finalId()).isEqualTo(5123107837557L);
        assertThat(d.prevId()).isEqualTo(5123107831937L);
        assertThat(d.bidPrices()[0]).isEqualTo(58710.20);
        assertThat(d.bidPrices()).hasSameSizeAs(d.bidQuantities());
        assertThat(d.askPrices().length).isGreaterThan(0);
    }

    @Test
    void parsesTheRecordedRestSnapshotLine() throws Exception {
        ParsedDepth s = (ParsedDepth) parser.parse(SharedData.first(SharedData.BTC, "lastUpdateId"));
        assertThat(s.snapshot()).isTrue();
        assertThat(s.symbol()).isNull();
        assertThat(s.finalId()).isEqualTo(5123107852948L);
        assertThat(s.bidPrices()).hasSizeGreaterThan(100);
        assertThat(s.bidPrices()[0]).isEqualTo(61800.20);
    }

    @Test
    void parsesAggTradeAndPartialDepth() throws Exception {
        Trade a = (Trade) parser.parse(new RawMessage(5, "{\"stream\":\"ethusdt@aggTrade\",\"data\":{\"e\":\"aggTrade\","
                + "\"E\":100,\"a\":42,\"s\":\"ETHUSDT\",\"p\":\"3000.10\",\"q\":\"1.5\",\"f\":7,\"l\":9,\"T\":99,\"m\":true}}"));
        assertThat(a.tradeId()).isEqualTo(42);
        assertThat(a.takerBuy()).isFalse();
        assertThat(a.tradeTimeMs()).isEqualTo(99);
        BookDepth d = (BookDepth) parser.parse(new RawMessage(5, "{\"stream\":\"ethusdt@depth5@100ms\",\"data\":{"
                + "\"e\":\"depthUpdate\",\"E\":100,\"T\":99,\"s\":\"ETHUSDT\",\"U\":1,\"u\":3,\"pu\":0,"
                + "\"b\":[[\"3000.00\",\"1.0\"],[\"2999.90\",\"2.0\"]],\"a\":[[\"3000.10\",\"0.5\"],[\"3000.20\",\"4\"]]}}"));
        assertThat(d.levels()).isEqualTo(2);
        assertThat(d.bidPrices()).containsExactly(3000.00, 2999.90);
        assertThat(d.askQuantities()).containsExactly(0.5, 4.0);
        assertThat(d.updateId()).isEqualTo(3);
    }

    @Test
    void rejectsTruncatedGarbageUnknownAndIncompleteMessages() throws Exception {
        String full = SharedData.first(SharedData.BTC, "\"btcusdt@trade\"").text();
        for (String bad : new String[] {full.substring(0, full.length() / 2), "\u0000garbage{1", "", "[1,2]",
                "{\"stream\":\"btcusdt@trade\",\"data\":{\"E\":1,\"p\":\"1\",\"m\":true}}",
                "{\"stream\":\"btcusdt@trade\",\"data\":{\"E\":1,\"t\":1,\"p\":\"x1\",\"q\":\"1\",\"m\":true}}",
                full + "}"}) {
            assertThatThrownBy(() -> parser.parse(new RawMessage(1, bad))).as(bad)
                    .isInstanceOf(MalformedMessageException.class);
        }
    }

    @Test
    void aWellFormedMessageOfAnUnknownKindIsSkippedNotRejected() throws Exception {
        assertThat(parser.parse(new RawMessage(1, "{\"stream\":\"btcusdt@markPrice\",\"data\":{\"E\":1}}")))
                .isSameAs(MarketParser.SKIPPED);
    }

    @Test
    void decimalsMatchTheJdkParser() {
        for (String s : new String[] {"61800.30", "0.006", "0.00000001", "1000", "-3.5", "123456789012.345678",
                "0.1234567890123456789", "1e5"}) {
            char[] c = s.toCharArray();
            assertThat(Decimals.parse(c, 0, c.length)).as(s).isEqualTo(Double.parseDouble(s));
        }
    }
}
