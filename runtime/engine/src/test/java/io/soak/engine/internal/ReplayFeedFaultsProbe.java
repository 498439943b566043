package io.soak.engine.internal;

import io.soak.api.plan.Fault;
import io.soak.api.plan.FaultSpec;
import io.soak.api.source.RawMessage;
import io.soak.testing.fakes.ReplayFixture;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** {@link ReplayFeedFaults} over a list of messages, for the engine's tests (the class is package-private). */
public final class ReplayFeedFaultsProbe {

    private final ReplayFeedFaults feed;

    public ReplayFeedFaultsProbe(List<RawMessage> messages) {
        feed = new ReplayFeedFaults(ReplayFixture.feed(messages.toArray(RawMessage[]::new)), new EngineMetrics());
    }

    public String inject(FaultSpec spec, long nowNanos) {
        return feed.inject((Fault.Feed) Fault.of(spec), nowNanos);
    }

    /** "receivedNanos text" of every message left. */
    public List<String> texts() throws IOException {
        List<String> out = new ArrayList<>();
        for (RawMessage m = feed.next(); m != null; m = feed.next()) {
            out.add(m.receivedNanos() + " " + m.text());
        }
        return out;
    }
}
