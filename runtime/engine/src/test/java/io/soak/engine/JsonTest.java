package io.soak.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.source.RawMessage;
import org.junit.jupiter.api.Test;

/** The canonical JSON of a raw message (a sink row of the raw topic): its two fields, never its attachment. */
class JsonTest {

    @Test
    void aRawMessageIsWrittenAsItsReceiveTimeAndTextWithoutItsAttachment() throws Exception {
        RawMessage m = new RawMessage(1_723_075_200_000_000_123L, "{\"stream\":\"btcusdt@aggTrade\"}");
        String want = "{\"received_nanos\":1723075200000000123,\"text\":\"{\\\"stream\\\":\\\"btcusdt@aggTrade\\\"}\"}";
        assertThat(Json.canonical().writeValueAsString(m)).isEqualTo(want);
        assertThat(Json.canonical().writeValueAsString(m.withPrepared(new int[] {1, 2}))).isEqualTo(want);
        assertThat(m.withPrepared("x")).isEqualTo(m).hasSameHashCodeAs(m);
    }
}
