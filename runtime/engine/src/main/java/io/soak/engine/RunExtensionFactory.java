package io.soak.engine;

import io.soak.api.plan.ScenarioPlan;
import io.soak.api.stage.Settings;

/**
 * Creates one {@link RunExtension} per run. Host-side modules (evidence, alerts, export) register an
 * implementation in {@code META-INF/services/io.soak.engine.RunExtensionFactory}; the launcher finds them
 * with {@link java.util.ServiceLoader} and hands the created extensions to the run, so it never names
 * them at compile time. A factory may return null when the plan does not need its extension.
 */
public interface RunExtensionFactory {

    /**
     * @param plan   the plan about to run
     * @param config config/defaults flattened to dotted keys (the plan's own overrides are in {@code plan.config()})
     * @return the extension for this run, or null when it has nothing to do in it
     */
    RunExtension create(ScenarioPlan plan, Settings config);
}
