package io.soak.export;

import io.soak.api.plan.ScenarioPlan;
import io.soak.api.stage.Settings;
import io.soak.engine.RunExtension;
import io.soak.engine.RunExtensionFactory;
import java.util.HashMap;
import java.util.Map;

/** Found by the launcher through {@link java.util.ServiceLoader}: one {@link TimeseriesExtension} (alerts + export) per run. */
public final class TimeseriesExtensionFactory implements RunExtensionFactory {

    @Override
    public RunExtension create(ScenarioPlan plan, Settings config) {
        return new TimeseriesExtension(plan, effective(plan, config));
    }

    /** config/defaults overlaid by the plan's own overrides. */
    static Settings effective(ScenarioPlan plan, Settings config) {
        Map<String, Object> m = new HashMap<>(config == null ? Map.of() : config.values());
        m.putAll(plan.config());
        return new Settings(m);
    }
}
