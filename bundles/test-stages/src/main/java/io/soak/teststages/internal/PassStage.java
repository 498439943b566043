package io.soak.teststages.internal;

import io.soak.api.stage.Envelope;
import io.soak.api.stage.Stage;
import io.soak.api.stage.StageContext;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Re-emits every payload it receives on its output topic. Setting {@code fail_on} (the text of a counter
 * message) makes it throw on that message every time it is delivered: a poison message for restart tests.
 */
public final class PassStage implements Stage {

    private final String output;
    private StageContext context;
    private long passed;
    private String failOn = "";

    public PassStage(String output) {
        this.output = output;
    }

    @Override
    public void start(StageContext context) {
        this.context = context;
        this.failOn = context.config().string("fail_on", "");
    }

    @Override
    public void handle(Envelope event) {
        Object p = event.payload();
        if (!failOn.isEmpty() && p instanceof io.soak.api.source.RawMessage m && failOn.equals(m.text())) {
            context.metrics().increment("poison_seen");
            throw new IllegalStateException("poison message " + failOn);
        }
        passed++;
        context.emit(output, p);
    }

    @Override
    public Optional<byte[]> snapshot() {
        return Optional.of(ByteBuffer.allocate(8).putLong(passed).array());
    }

    @Override
    public void restore(byte[] state) {
        passed = ByteBuffer.wrap(state).getLong();
        context.metrics().gauge("restored_passed", passed);
    }

    long passed() {
        return passed;
    }
}
