package io.soak.harvest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** When the source asks for a REST snapshot, and why (the reasons are counted). */
class DepthSyncTest {

    @Test
    void fetchesAtTheFirstBufferedDiffAfterAConnectionOpenedAndAgainAfterAPuBreak() {
        DepthSync s = new DepthSync(List.of("BTCUSDT"), 0);
        s.connectionOpened(false);
        assertThat(s.onDiff("BTCUSDT", 10, 20, 5, true, 1)).as("first diff: fetch").isTrue();
        assertThat(s.onDiff("BTCUSDT", 21, 30, 20, true, 2)).as("in flight: no second request").isFalse();
        assertThat(s.onSnapshot("BTCUSDT", 25, 3)).as("U <= 25 <= u of a buffered diff: inject").isTrue();
        assertThat(s.onDiff("BTCUSDT", 31, 40, 30, true, 4)).isFalse();
        assertThat(s.onDiff("BTCUSDT", 45, 50, 41, true, 5)).as("pu 41 != previous u 40: resync").isTrue();
        assertThat(s.reasons()).containsEntry("pu_gap", 1L);
        assertThat(s.resyncs()).isEqualTo(1);
    }

    @Test
    void aSnapshotOlderThanTheBufferedStreamIsRefetchedAndADroppedDiffForcesOne() {
        DepthSync s = new DepthSync(List.of("ETHUSDT"), 0);
        assertThat(s.onDiff("ETHUSDT", 100, 110, 90, true, 1)).isTrue();
        assertThat(s.onSnapshot("ETHUSDT", 95, 2)).as("lastUpdateId 95 < first buffered U 100").isFalse();
        assertThat(s.onDiff("ETHUSDT", 111, 120, 110, true, 3)).isTrue();
        assertThat(s.onSnapshot("ETHUSDT", 115, 4)).isTrue();
        assertThat(s.onDiff("ETHUSDT", 121, 130, 120, false, 5)).as("dropped by the ingress: wait for a delivered one").isFalse();
        assertThat(s.onDiff("ETHUSDT", 131, 140, 130, true, 6)).isTrue();
        assertThat(s.reasons()).containsEntry("snapshot_older_than_stream", 1L).containsEntry("ingress_dropped", 1L);
    }

    @Test
    void aDiffRefusedAsTheRunStopsIsNoResync() {
        // the engine's ingress refuses every frame once the run is stopping, before the source is stopped: a LIVE
        // run's manifest counted one ingress_dropped resync per diff book at its end (LiveSyncIT)
        DepthSync s = new DepthSync(List.of("BTCUSDT"), 0);
        assertThat(s.onDiff("BTCUSDT", 100, 110, 90, true, 1)).isTrue();
        assertThat(s.onSnapshot("BTCUSDT", 105, 2)).isTrue();
        assertThat(s.onDiff("BTCUSDT", 111, 120, 110, true, 3)).isFalse();
        assertThat(s.onDiff("BTCUSDT", 121, 130, 120, false, 4)).isFalse();
        assertThat(s.onDiff("BTCUSDT", 131, 140, 130, false, 5)).isFalse();
        assertThat(s.resyncs()).as("no diff delivered after the refused ones").isZero();
        assertThat(s.reasons()).isEmpty();
    }

    @Test
    void aSnapshotAnsweredAfterADroppedDiffIsNotInjected() {
        DepthSync s = new DepthSync(List.of("BTCUSDT"), 0);
        assertThat(s.onDiff("BTCUSDT", 100, 110, 90, true, 1)).isTrue();
        assertThat(s.onDiff("BTCUSDT", 111, 120, 110, false, 2)).isFalse();
        assertThat(s.onSnapshot("BTCUSDT", 105, 3)).as("a diff was lost while it was fetched").isFalse();
        assertThat(s.onDiff("BTCUSDT", 121, 130, 120, true, 4)).isTrue();
        assertThat(s.reasons()).containsEntry("ingress_dropped", 1L);
    }

    @Test
    void readsUpdateIdsFromTheFrameText() {
        String f = "{\"stream\":\"btcusdt@depth@0ms\",\"data\":{\"e\":\"depthUpdate\",\"E\":1,\"U\":5123107832006,\"u\":5123107837557,\"pu\":5123107831937,\"b\":[]}}";
        int d = f.indexOf("\"data\"");
        assertThat(DepthSync.number(f, "\"U\":", d)).isEqualTo(5123107832006L);
        assertThat(DepthSync.number(f, "\"u\":", d)).isEqualTo(5123107837557L);
        assertThat(DepthSync.number(f, "\"pu\":", d)).isEqualTo(5123107831937L);
        assertThat(BinanceWsSource.streamOf(f)).isEqualTo("btcusdt@depth@0ms");
        assertThat(DepthSnapshotClient.retryAfterSeconds("7")).isEqualTo(7);
        assertThat(DepthSnapshotClient.retryAfterSeconds(null)).isEqualTo(60);
    }
}
