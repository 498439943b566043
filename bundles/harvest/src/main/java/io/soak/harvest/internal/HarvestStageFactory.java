package io.soak.harvest.internal;

import io.soak.api.stage.Preparer;
import io.soak.api.stage.Stage;
import io.soak.api.stage.StageFactory;
import io.soak.api.stage.Topics;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/** Publishes the {@code harvest} stage kind: raw in, market events out. */
@Component(service = StageFactory.class)
public final class HarvestStageFactory implements StageFactory {

    @Override
    public String kind() {
        return "harvest";
    }

    @Override
    public Set<String> inputs() {
        return Set.of(Topics.RAW);
    }

    @Override
    public Set<String> outputs() {
        return Set.of(Topics.MARKET);
    }

    @Override
    public Stage create() {
        return new HarvestStage();
    }

    /** Parsing, ahead of the stage (a parser of its own per preparer: one per engine thread). */
    @Override
    public Preparer preparer() {
        MarketParser parser = new MarketParser();
        return m -> Prepared.of(parser, m);
    }
}
