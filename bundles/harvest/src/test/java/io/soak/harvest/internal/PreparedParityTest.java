package io.soak.harvest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.market.MarketEvent;
import io.soak.api.market.Trade;
import io.soak.api.source.RawMessage;
import io.soak.api.stage.Preparer;
import io.soak.capture.CaptureReplay;
import io.soak.testdata.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Issue #16, replay on both cores: the harvest stage's {@link Preparer} parses ahead of the stage (on the engine's
 * parser thread) and the harvester then takes the attachment instead of parsing again. The outcome must not depend
 * on it: the 30 s fixture of the recordings (both symbols, merged, looped past seams) with malformed frames among them give the same
 * events, event hash, counters, last errors and books with every message prepared, with none, and with an
 * attachment the harvester does not know (another bundle version's).
 */
class PreparedParityTest {

    private record Outcome(List<String> events, String hash, long count, Map<String, Long> counters,
                           List<Map<String, Object>> errors, Map<String, Object> books) {
    }

    private static List<RawMessage> messages() throws Exception {
        List<RawMessage> out = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(16);
        // the 30 s fixture (also when the full recordings are here): short enough to loop past a seam
        Path fixture = TestData.fixtureRoot().resolve("binance-usdm");
        try (CaptureReplay replay = new CaptureReplay(new CaptureReplay.Options(
                List.of(fixture.resolve(SharedData.BTC), fixture.resolve(SharedData.ETH)), List.of(), Map.of(), true,
                1_000_000_000L))) {
            RawMessage m;
            while ((m = replay.next()) != null && out.size() < 120_000) {
                out.add(m);
                if (r.nextInt(50) == 0) { // a malformed frame after it
                    out.add(new RawMessage(m.receivedNanos(), HarvesterFuzzTest.mutate(m.text(), r).text()));
                }
            }
        }
        return out;
    }

    /** Messages the last {@link #run} parsed itself. */
    private long parsedHere;

    private Outcome run(List<RawMessage> in) {
        TestMetrics m = new TestMetrics();
        List<String> events = new ArrayList<>();
        Harvester h = new Harvester(m, e -> events.add(describe(e)), 65_536, 5);
        for (RawMessage raw : in) {
            h.onRaw(raw);
        }
        parsedHere = h.parsedHere();
        Map<String, Long> counters = new TreeMap<>();
        m.counters.forEach((k, v) -> counters.put(k, v.get()));
        return new Outcome(events, h.hash().hex(), h.hash().count(), counters, h.lastErrors(), h.bookStates());
    }

    private static String describe(MarketEvent e) {
        return e.getClass().getSimpleName() + " " + e.symbol() + " " + e.eventTimeMs() + " " + e.receivedNanos()
                + (e instanceof Trade t ? " " + t.tradeId() + " " + t.price() + " " + t.quantity() : "");
    }

    @Test
    void preparedAheadOrNotTheHarvesterGivesTheSameOutcome() throws Exception {
        List<RawMessage> in = messages();
        Preparer preparer = new HarvestStageFactory().preparer();
        List<RawMessage> prepared = new ArrayList<>();
        List<RawMessage> foreign = new ArrayList<>();
        for (RawMessage m : in) {
            prepared.add(m.withPrepared(preparer.prepare(m)));
            foreign.add(m.withPrepared(new Object()));
        }
        Outcome plain = run(in);
        assertThat(plain.count()).isGreaterThan(10_000);
        assertThat(plain.counters().get("parse_errors")).as("malformed frames among them").isGreaterThan(100);
        assertThat(plain.counters().get("book_seams")).as("a looped seam").isGreaterThan(0);
        assertThat(plain.errors()).isNotEmpty();

        assertThat(run(prepared)).isEqualTo(plain);
        assertThat(parsedHere).as("every message was taken prepared").isZero();
        assertThat(run(foreign)).isEqualTo(plain);
        assertThat(parsedHere).as("an unknown attachment: every message parsed here").isEqualTo(in.size());
    }

    @Test
    void theHarvesterTakesTheAttachmentInsteadOfParsingAgainButOnlyForTheMessageItWasMadeFrom() {
        String a = "{\"stream\":\"btcusdt@aggTrade\",\"data\":{\"e\":\"aggTrade\",\"E\":1723075200100,\"s\":\"BTCUSDT\","
                + "\"a\":7,\"p\":\"60000.5\",\"q\":\"0.010\",\"f\":1,\"l\":1,\"T\":1723075200099,\"m\":true}}";
        String b = a.replace("\"a\":7", "\"a\":8").replace("60000.5", "60001.5");
        RawMessage ma = new RawMessage(1_723_075_200_200_000_000L, a);
        RawMessage mb = new RawMessage(1_723_075_200_200_000_000L, b);
        Preparer preparer = new HarvestStageFactory().preparer();
        List<MarketEvent> out = new ArrayList<>();
        Harvester h = new Harvester(new TestMetrics(), out::add, 65_536, 5);

        h.onRaw(ma.withPrepared(preparer.prepare(ma)));
        assertThat(h.parsedHere()).as("prepared ahead: not parsed again").isZero();
        assertThat(out).singleElement().satisfies(e -> assertThat(((Trade) e).tradeId()).isEqualTo(7));

        // an attachment made from another message (a rewritten copy) is not used: the text decides
        h.onRaw(new RawMessage(ma.receivedNanos(), a.replace("\"a\":7", "\"a\":9")).withPrepared(preparer.prepare(mb)));
        assertThat(h.parsedHere()).isEqualTo(1);
        assertThat(out).hasSize(2).last().satisfies(e -> assertThat(((Trade) e).tradeId()).isEqualTo(9));
    }
}
