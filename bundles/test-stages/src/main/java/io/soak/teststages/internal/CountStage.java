package io.soak.teststages.internal;

import io.soak.api.source.RawMessage;
import io.soak.api.stage.Envelope;
import io.soak.api.stage.Stage;
import io.soak.api.stage.StageContext;
import io.soak.api.stage.StageFactory;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * Terminal stage {@code count} (inputs t4 and market): checks that the counter feed's running numbers and
 * the envelope seqs arrive complete, once and in order, with fixed memory. Metrics: {@code seen},
 * {@code duplicates}, {@code gaps}, {@code seq_gaps}, gauges {@code last_value}, {@code last_seq}.
 */
@Component(service = StageFactory.class)
public final class CountStage implements StageFactory {

    @Override
    public String kind() {
        return "count";
    }

    @Override
    public Set<String> inputs() {
        return Set.of("t4", "market");
    }

    @Override
    public Set<String> outputs() {
        return Set.of();
    }

    @Override
    public Stage create() {
        return new Counting();
    }

    /** One instance; its state (last value and seq) moves across a hot swap. */
    static final class Counting implements Stage {
        private StageContext context;
        private long lastValue;
        private long lastSeq;

        @Override
        public void start(StageContext context) {
            this.context = context;
        }

        @Override
        public void handle(Envelope event) {
            var m = context.metrics();
            m.increment("seen");
            long seq = event.seq();
            if (lastSeq != 0 && seq != lastSeq + 1) {
                m.increment(seq <= lastSeq ? "seq_duplicates" : "seq_gaps");
            }
            lastSeq = Math.max(lastSeq, seq);
            if (event.payload() instanceof RawMessage r) {
                long v;
                try {
                    v = Long.parseLong(r.text());
                } catch (NumberFormatException e) {
                    m.increment("not_counter");
                    return;
                }
                if (v <= lastValue) {
                    m.increment("duplicates");
                } else if (v != lastValue + 1) {
                    m.add("gaps", v - lastValue - 1);
                }
                lastValue = Math.max(lastValue, v);
                m.gauge("last_value", lastValue);
            }
            m.gauge("last_seq", lastSeq);
        }

        @Override
        public Optional<byte[]> snapshot() {
            return Optional.of(ByteBuffer.allocate(16).putLong(lastValue).putLong(lastSeq).array());
        }

        @Override
        public void restore(byte[] state) {
            ByteBuffer b = ByteBuffer.wrap(state);
            lastValue = b.getLong();
            lastSeq = b.getLong();
        }
    }
}
