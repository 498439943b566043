package io.soak.signal.internal;

import io.soak.api.stage.Stage;
import io.soak.api.stage.StageFactory;
import io.soak.api.stage.Topics;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/** Publishes the {@code signal} stage kind: market events in, decisions out. */
@Component(service = StageFactory.class)
public final class SignalStageFactory implements StageFactory {

    @Override
    public String kind() {
        return "signal";
    }

    @Override
    public Set<String> inputs() {
        return Set.of(Topics.MARKET);
    }

    @Override
    public Set<String> outputs() {
        return Set.of(Topics.DECISION);
    }

    @Override
    public Stage create() {
        return new SignalStage();
    }
}
