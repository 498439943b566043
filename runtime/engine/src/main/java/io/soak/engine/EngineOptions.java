package io.soak.engine;

import io.soak.api.stage.Settings;
import java.nio.file.Path;
import java.util.Map;

/**
 * How the launcher (or a test) configures one {@link SoakRun}.
 *
 * @param runsRoot the directory holding {@code runs/<run_id>} (the run directory is {@code runsRoot/<run_id>})
 * @param defaults flat dotted keys of {@code config/defaults.yaml} (for example {@code signal.z.window}); the
 *                 plan's {@code config} is overlaid on them; null means empty
 * @param versions {@code runtime} and bundle symbolic name to version, written to {@code versions.*}; null means empty
 * @param runId    an explicit run id (tests comparing two runs), or null to generate one
 * @param revival  called when a stage's factory vanished (its bundle was stopped from outside), or null
 * @param replace  true when an existing run directory of the same id may be replaced (the user asked for it
 *                 explicitly, {@code --replace}); false refuses it (see {@link RunDirectoryClaim})
 */
public record EngineOptions(Path runsRoot, Settings defaults, Map<String, String> versions, String runId,
                            StageRevival revival, boolean replace) {

    /** Options that refuse an existing run directory. */
    public EngineOptions(Path runsRoot, Settings defaults, Map<String, String> versions, String runId,
                         StageRevival revival) {
        this(runsRoot, defaults, versions, runId, revival, false);
    }

    public EngineOptions {
        if (runsRoot == null) {
            throw new IllegalArgumentException("runsRoot must not be null");
        }
        defaults = defaults == null ? Settings.empty() : defaults;
        versions = versions == null ? Map.of() : Map.copyOf(versions);
    }

    /** Options with empty defaults and versions, a generated run id and no revival. */
    public static EngineOptions of(Path runsRoot) {
        return new EngineOptions(runsRoot, Settings.empty(), Map.of(), null, null);
    }

    public EngineOptions withRunId(String id) {
        return new EngineOptions(runsRoot, defaults, versions, id, revival, replace);
    }

    public EngineOptions withDefaults(Settings d) {
        return new EngineOptions(runsRoot, d, versions, runId, revival, replace);
    }

    public EngineOptions withRevival(StageRevival r) {
        return new EngineOptions(runsRoot, defaults, versions, runId, r, replace);
    }

    /** The same options, replacing an existing run directory of the same id ({@code --replace}). */
    public EngineOptions withReplace(boolean r) {
        return new EngineOptions(runsRoot, defaults, versions, runId, revival, r);
    }
}
