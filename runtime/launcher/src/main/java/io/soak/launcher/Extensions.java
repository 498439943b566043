package io.soak.launcher;

import io.soak.api.plan.ScenarioPlan;
import io.soak.api.stage.Settings;
import io.soak.engine.RunExtension;
import io.soak.engine.RunExtensionFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host-side run extensions (evidence, alerts, time-series export) present on the class path, found
 * through {@code META-INF/services/io.soak.engine.RunExtensionFactory}, so the launcher wires every one into
 * every run without naming it.
 */
public final class Extensions {

    private static final Logger LOG = LoggerFactory.getLogger(Extensions.class);

    private Extensions() {
    }

    /** One extension per factory that wants to take part in this run, in a stable (class name) order. */
    public static List<RunExtension> create(ScenarioPlan plan, Settings defaults) throws UserException {
        List<RunExtensionFactory> factories = new ArrayList<>();
        try {
            ServiceLoader.load(RunExtensionFactory.class, Extensions.class.getClassLoader()).forEach(factories::add);
        } catch (ServiceConfigurationError e) {
            throw new UserException(Launcher.RUNTIME_FAILURE, "a run extension could not be loaded: " + e.getMessage(), e);
        }
        factories.sort((a, b) -> a.getClass().getName().compareTo(b.getClass().getName()));
        List<RunExtension> out = new ArrayList<>();
        for (RunExtensionFactory f : factories) {
            RunExtension e;
            try {
                e = f.create(plan, defaults);
            } catch (RuntimeException | LinkageError ex) {
                throw new UserException(Launcher.RUNTIME_FAILURE,
                        "run extension " + f.getClass().getName() + " failed to start: " + Launcher.oneLine(ex), ex);
            }
            if (e != null) {
                LOG.debug("run extension {} from {}", e.name(), f.getClass().getName());
                out.add(e);
            }
        }
        return out;
    }
}
