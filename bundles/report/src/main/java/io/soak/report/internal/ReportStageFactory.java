package io.soak.report.internal;

import io.soak.api.stage.Stage;
import io.soak.api.stage.StageFactory;
import io.soak.api.stage.Topics;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/** Publishes the {@code report} stage kind. */
@Component(service = StageFactory.class)
public final class ReportStageFactory implements StageFactory {

    @Override
    public String kind() {
        return "report";
    }

    @Override
    public Set<String> inputs() {
        return Set.of(Topics.MARKET, Topics.DECISION, Topics.ORDER, Topics.FILL);
    }

    @Override
    public Set<String> outputs() {
        return Set.of(Topics.MINUTE);
    }

    @Override
    public Stage create() {
        return new ReportStage();
    }
}
