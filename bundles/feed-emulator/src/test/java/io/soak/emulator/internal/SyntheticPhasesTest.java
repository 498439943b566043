package io.soak.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.soak.api.plan.SourceSpec;
import io.soak.api.source.RawMessage;
import io.soak.api.source.ReplayFeed;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code phases} schedule of the synthetic market and the regimes the alert drill needs. */
class SyntheticPhasesTest {

    static final long START = SyntheticMarketTest.START;
    static final List<String> STREAMS = List.of("aggTrade", "bookTicker", "depth5@100ms");

    /** Trades and the depth updates of one symbol, in receive order, up to {@code endMs} of feed time. */
    private record Tape(List<RawMessage> trades, List<RawMessage> all) {
    }

    private static Tape tape(SyntheticMarket m, long endMs) {
        List<RawMessage> trades = new ArrayList<>();
        List<RawMessage> all = new ArrayList<>();
        RawMessage r;
        while ((r = m.next()).receivedNanos() < endMs * 1_000_000L) {
            all.add(r);
            if (r.text().contains("@aggTrade")) {
                trades.add(r);
            }
        }
        return new Tape(trades, all);
    }

    private static long eventMs(RawMessage r) {
        return Long.parseLong(num(r.text(), "\"E\":"));
    }

    private static String num(String text, String key) {
        int i = text.indexOf(key) + key.length();
        int j = i;
        while (j < text.length() && (Character.isDigit(text.charAt(j)) || text.charAt(j) == '-')) {
            j++;
        }
        return text.substring(i, j);
    }

    private static List<SyntheticMarket.Phase> phases(String... p) {
        return SyntheticReplayFeedFactory.phases(List.of(p));
    }

    @Test
    void phasesSwitchEverySymbolOnTheFeedTimeScheduleThenTheOwnCycleContinues() {
        SyntheticMarket m = new SyntheticMarket(11, List.of("BTCUSDT", "ETHUSDT"), STREAMS, START,
                phases("1m normal", "2m silent", "30s weak"));
        Map<Long, String> regimeAt = new HashMap<>();
        RawMessage r;
        while ((r = m.next()).receivedNanos() < (START + 300_000) * 1_000_000L) {
            long second = (r.receivedNanos() / 1_000_000L - START) / 1000;
            regimeAt.putIfAbsent(second, m.regimes().get("BTCUSDT") + "/" + m.regimes().get("ETHUSDT"));
        }
        assertThat(regimeAt.get(30L)).isEqualTo("normal/normal");
        assertThat(regimeAt.get(90L)).isEqualTo("silent/silent");
        assertThat(regimeAt.get(195L)).isEqualTo("weak/weak");
        assertThat(regimeAt.get(240L)).doesNotContain("weak").doesNotContain("silent"); // the own cycle again
    }

    @Test
    void silentHasNoTradesButTheBookKeepsUpdatingAndTradesReturnAfterIt() {
        SyntheticMarket m = new SyntheticMarket(11, List.of("BTCUSDT"), STREAMS, START, phases("1m normal", "3m silent", "1m normal"));
        Tape t = tape(m, START + 300_000);
        long silentTrades = t.trades().stream().filter(x -> eventMs(x) >= START + 60_000 && eventMs(x) < START + 240_000).count();
        long silentBooks = t.all().stream().filter(x -> !x.text().contains("@aggTrade"))
                .filter(x -> eventMs(x) >= START + 60_000 && eventMs(x) < START + 240_000).count();
        assertThat(silentTrades).isZero();
        assertThat(silentBooks).as("depth every 100 ms and tickers").isGreaterThan(1_800);
        assertThat(t.trades().stream().filter(x -> eventMs(x) >= START + 240_000).count()).as("trades after silence").isPositive();
        assertThat(t.trades().stream().filter(x -> eventMs(x) < START + 60_000).count()).isPositive();
    }

    @Test
    void coupledRegimesShiftTheBookWithOrAgainstEachTakerInTheDepthUpdateJustBeforeTheTrade() {
        assertThat(bookFollowsTakerShare("weak")).as("weak: the book follows the taker").isEqualTo(1.0);
        assertThat(bookFollowsTakerShare("disagreement")).as("disagreement: mostly against the taker").isBetween(0.03, 0.2);
    }

    /** Share of the regime's trades whose own depth update (same receive time, just before) moved the bid their way. */
    private static double bookFollowsTakerShare(String regime) {
        SyntheticMarket m = new SyntheticMarket(5, List.of("ETHUSDT"), STREAMS, START, phases("2m " + regime));
        Tape t = tape(m, START + 110_000);
        double lastBid = Double.NaN;
        double beforeBid = Double.NaN;
        long lastDepthRecv = -1;
        int with = 0;
        int n = 0;
        for (RawMessage r : t.all()) {
            if (r.text().contains("@depth5")) {
                beforeBid = lastBid;
                lastBid = Double.parseDouble(SyntheticMarketTest.field(r.text(), "\"b\":[[\""));
                lastDepthRecv = r.receivedNanos();
            } else if (r.text().contains("@aggTrade") && eventMs(r) > START + 1_000) {
                assertThat(lastDepthRecv).as("the trade's depth update shares its receive time").isEqualTo(r.receivedNanos());
                boolean takerBuy = r.text().contains("\"m\":false");
                boolean up = lastBid > beforeBid;
                assertThat(lastBid).isNotEqualTo(beforeBid);
                with += up == takerBuy ? 1 : 0;
                n++;
            }
        }
        assertThat(n).as("paced trades").isBetween(150, 450);
        return (double) with / n;
    }

    @Test
    void theSamePhasesAndSeedGiveTheSameBytesAndDescribeListsThePhases() throws Exception {
        SourceSpec spec = new SourceSpec("synthetic", List.of("BTCUSDT", "ETHUSDT"), STREAMS, "", List.of(), false,
                Map.of(), Map.of(), Map.<String, Object>of("phases", List.of("1m active", "90s silent", "2m disagreement", "1m weak")));
        SyntheticReplayFeedFactory f = new SyntheticReplayFeedFactory();
        try (ReplayFeed a = f.open(spec, 9); ReplayFeed b = f.open(spec, 9)) {
            for (int i = 0; i < 30_000; i++) {
                assertThat(b.next()).isEqualTo(a.next());
            }
            assertThat(a.describe()).containsEntry("phases", List.of("1m active", "90s silent", "2m disagreement", "1m weak"));
        }
        SourceSpec none = new SourceSpec("synthetic", List.of("BTCUSDT"), STREAMS, "", List.of(), false, Map.of(), Map.of(), Map.of());
        try (ReplayFeed c = f.open(none, 9)) {
            assertThat(c.describe()).containsEntry("phases", List.of());
        }
    }

    @Test
    void badPhasesAreRejectedNamingTheSettingAndTheValue() {
        assertThatThrownBy(() -> SyntheticReplayFeedFactory.phases(List.of("5m sleepy")))
                .hasMessageContaining("phases").hasMessageContaining("sleepy").hasMessageContaining("silent");
        assertThatThrownBy(() -> SyntheticReplayFeedFactory.phases(List.of("5 minutes weak")))
                .hasMessageContaining("phases").hasMessageContaining("5 minutes weak");
        assertThatThrownBy(() -> SyntheticReplayFeedFactory.phases("0m weak")).hasMessageContaining("positive");
        assertThat(SyntheticReplayFeedFactory.phases("2m silent, 1m weak")).extracting(SyntheticMarket.Phase::text)
                .containsExactly("2m silent", "1m weak");
    }
}
