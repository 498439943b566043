package io.soak.api.plan;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The immutable plan a scenario script (or the implicit scenario of {@code soak run} flags) evaluates to.
 * The runtime executes it; the script itself never has side effects.
 *
 * @param name            scenario name
 * @param scriptFile      the script's path as given ({@code <flags>} for the implicit scenario)
 * @param scriptHash      sha-256 (hex) of the script text
 * @param seed            the only source of randomness in the run
 * @param stages          stage kinds in pipeline order, for example harvest, signal, broker, report
 * @param sinks           sink types, for example jsonl, sqlite ({@code dual} = both)
 * @param config          flat dotted overrides of config/defaults, for example {@code signal.z.window = 300}
 * @param reportTimeZone  IANA zone for times shown in reports ({@code REPORT_TZ}); stored times are UTC
 */
public record ScenarioPlan(String name, String scriptFile, String scriptHash, Mode mode, Pace pace, long seed,
                           Duration duration, SourceSpec source, List<String> stages, List<String> sinks,
                           Duration healthInterval, RestartPolicy restartPolicy, TimeseriesSpec timeseries,
                           List<AlertRuleSpec> alerts, List<FaultSpec> faults, List<Criterion> expectations,
                           Map<String, Object> config, String reportTimeZone) {

    public ScenarioPlan {
        stages = List.copyOf(stages);
        sinks = List.copyOf(sinks);
        alerts = List.copyOf(alerts);
        faults = List.copyOf(faults);
        expectations = List.copyOf(expectations);
        config = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(config));
    }

    /** True when the run is a deterministic simulation on the virtual clock. */
    public boolean simulated() {
        return mode == Mode.REPLAY && pace.max();
    }

    /** The plan as it may be written out: secrets redacted. */
    public ScenarioPlan redacted() {
        return new ScenarioPlan(name, scriptFile, scriptHash, mode, pace, seed, duration, source, stages, sinks,
                healthInterval, restartPolicy, timeseries == null ? null : timeseries.redacted(), alerts, faults,
                expectations, config, reportTimeZone);
    }
}
