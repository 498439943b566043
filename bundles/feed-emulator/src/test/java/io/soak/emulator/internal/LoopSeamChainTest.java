package io.soak.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.soak.api.source.FeedEmulator;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A looped recording as a client following Binance's documented local-book procedure sees it: one REST snapshot
 * at the start, then {@code pu} = previous {@code u} on every diff stream, unbroken across the loop seams (no
 * resync), and the local book equal to the emulator's REST book afterwards, never crossed. Before the fix every
 * seam broke the chain: the first diff of pass k carried the recording's {@code pu} shifted by k × (max − min + 1),
 * one above the last {@code u} of pass k−1, and the diffs recorded before the snapshot were applied after it.
 */
class LoopSeamChainTest {

    /** A local book by Binance's procedure over one diff stream, counting what a client would count. */
    static final class LocalBook {
        final TreeMap<Double, Double> bids = new TreeMap<>();
        final TreeMap<Double, Double> asks = new TreeMap<>();
        long anchor = -1;
        long lastU = -1;
        boolean synced;
        long applied;
        long stale;
        long breaks;
        long crossed;
        final List<String> breakSamples = new ArrayList<>();

        void snapshot(JsonNode snap) {
            bids.clear();
            asks.clear();
            load(bids, snap.get("bids"));
            load(asks, snap.get("asks"));
            anchor = snap.get("lastUpdateId").asLong();
            synced = false;
        }

        static void load(TreeMap<Double, Double> side, JsonNode levels) {
            for (JsonNode l : levels) {
                double p = l.get(0).asDouble();
                double q = l.get(1).asDouble();
                if (q == 0) {
                    side.remove(p);
                } else {
                    side.put(p, q);
                }
            }
        }

        void diff(JsonNode d) {
            long first = d.get("U").asLong();
            long u = d.get("u").asLong();
            long pu = d.get("pu").asLong();
            if (!synced) {
                if (u < anchor) {
                    stale++;
                    return;
                }
                assertThat(first).as("the first diff after the snapshot bridges it: U <= %d <= u", anchor).isLessThanOrEqualTo(anchor);
                synced = true;
            } else if (pu != lastU) {
                breaks++;
                if (breakSamples.size() < 5) {
                    breakSamples.add("pu " + pu + " after u " + lastU + " (E " + d.get("E").asLong() + ")");
                }
            }
            load(bids, d.get("b"));
            load(asks, d.get("a"));
            lastU = u;
            applied++;
            if (!bids.isEmpty() && !asks.isEmpty() && bids.lastKey() >= asks.firstKey()) {
                crossed++;
            }
        }
    }

    @Test
    @Timeout(240)
    void aClientFollowingBinancesProcedureSeesOneUnbrokenChainAcrossThreeLoopPasses() throws Exception {
        try (FeedEmulator em = EmulatorProtocolTest.start("max", Map.of())) {
            EmulatorProtocolTest.Client c = EmulatorProtocolTest.connect(em, "/public/stream?streams=btcusdt@depth@0ms/btcusdt@depth@100ms");
            HttpResponse<String>[] snap = new HttpResponse[1];
            await().atMost(Duration.ofSeconds(20)).until(() -> c.texts.size() > 20
                    && (snap[0] = EmulatorProtocolTest.get(em, "/fapi/v1/depth?symbol=BTCUSDT&limit=1000")).statusCode() == 200);
            JsonNode rest = EmulatorProtocolTest.tree(snap[0].body());
            BinanceFeedEmulator b = (BinanceFeedEmulator) em;
            // three passes: two seams, and the third pass well under way
            await().atMost(Duration.ofSeconds(200)).until(() -> ((Number) ((Map<?, ?>) b.describe().get("source")).get("seams")).longValue() >= 2
                    && c.texts.size() > 100);
            int seen = c.texts.size();
            await().atMost(Duration.ofSeconds(20)).until(() -> c.texts.size() > seen + 2_000);
            c.ws.abort();
            Map<String, LocalBook> books = Map.of("btcusdt@depth@0ms", new LocalBook(), "btcusdt@depth@100ms", new LocalBook());
            books.values().forEach(l -> l.snapshot(rest));
            for (String t : List.copyOf(c.texts)) {
                JsonNode n = EmulatorProtocolTest.tree(t);
                LocalBook l = books.get(n.path("stream").asText());
                if (l != null) {
                    l.diff(n.get("data"));
                }
            }
            books.forEach((stream, l) -> {
                assertThat(l.applied).as(stream + " diffs applied").isGreaterThan(1_000);
                assertThat(l.breaks).as(stream + " chain breaks (resyncs): " + l.breakSamples).isZero();
                assertThat(l.crossed).as(stream + " crossed books").isZero();
            });
        }
    }
}
