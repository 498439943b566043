package io.soak.broker.internal;

import io.soak.api.stage.Stage;
import io.soak.api.stage.StageFactory;
import io.soak.api.stage.Topics;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/** Publishes the {@code broker} stage kind: decisions and market events in, paper orders and fills out. */
@Component(service = StageFactory.class)
public final class BrokerStageFactory implements StageFactory {

    @Override
    public String kind() {
        return "broker";
    }

    @Override
    public Set<String> inputs() {
        return Set.of(Topics.DECISION, Topics.MARKET);
    }

    @Override
    public Set<String> outputs() {
        return Set.of(Topics.ORDER, Topics.FILL);
    }

    @Override
    public Stage create() {
        return new BrokerStage();
    }
}
