package io.soak.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.source.RawMessage;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RebasedTimesTest {

    private static MessageSource of(List<RawMessage> messages) {
        Deque<RawMessage> q = new ArrayDeque<>(messages);
        return new MessageSource() {
            @Override
            public RawMessage next() {
                return q.poll();
            }

            @Override
            public Map<String, Object> describe() {
                return Map.of();
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void recordingServedLiveStartsNowWithExchangeTimesNeverAheadOfTheSendTime() throws Exception {
        long recv0 = 1_723_161_255_088_176_367L;
        String trade = "{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":1723161256322,\"T\":1723161256322,"
                + "\"s\":\"BTCUSDT\",\"t\":5266583935,\"p\":\"61800.30\",\"q\":\"0.006\",\"X\":\"MARKET\",\"m\":false}}";
        long startMs = 1_795_844_400_000L;
        MessageSource rebased = MessageSource.rebased(of(List.of(new RawMessage(recv0, trade),
                new RawMessage(recv0 + 250_000_000L, trade))), () -> startMs);

        RawMessage first = rebased.next();
        RawMessage second = rebased.next();

        long shift = startMs - recv0 / 1_000_000L;
        assertThat(first.receivedNanos() / 1_000_000L).isEqualTo(startMs);
        assertThat(second.receivedNanos() - first.receivedNanos()).isEqualTo(250_000_000L);
        // the recording's exchange clock led its receive clock by 1,234 ms: that lead is removed, so E is not in the future
        long lead = 1723161256322L - recv0 / 1_000_000L;
        assertThat(first.text()).contains("\"E\":" + startMs).contains("\"T\":" + (1723161256322L + shift - lead))
                .contains("\"t\":5266583935").contains("\"p\":\"61800.30\"");
        assertThat(rebased.describe()).containsEntry("time_shift_ms", shift).containsEntry("exchange_time_lead_removed_ms", lead);
        assertThat(rebased.next()).isNull();
    }
}
