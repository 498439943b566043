package io.soak.evidence;

import io.soak.api.plan.ScenarioPlan;
import io.soak.api.stage.Settings;
import io.soak.engine.RunExtension;
import io.soak.engine.RunExtensionFactory;

/** Found by the launcher through {@link java.util.ServiceLoader}; every run gets its evidence. */
public final class EvidenceExtensionFactory implements RunExtensionFactory {

    @Override
    public RunExtension create(ScenarioPlan plan, Settings config) {
        return plan.sinks().isEmpty() ? null : new EvidenceExtension(plan);
    }
}
