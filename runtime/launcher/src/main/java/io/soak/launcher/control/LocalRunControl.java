package io.soak.launcher.control;

import io.soak.api.plan.FaultSpec;
import io.soak.engine.RunStatus;
import io.soak.engine.SoakRun;
import io.soak.launcher.FelixHost;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;

/**
 * {@link RunControl} over a run of this process: faults go to the engine ({@link SoakRun#inject}), a swap
 * updates the bundle that provides the stage from the given jar (the engine sees the factory go and come
 * back and moves the stage's state), stop is the engine's graceful stop. Every action is recorded by the
 * {@link RunConsole} with {@code source: operator}.
 */
public final class LocalRunControl implements RunControl {

    private final SoakRun run;
    private final FelixHost host;
    private final RunConsole console;
    private final String scenario;
    private volatile String state = "running";

    public LocalRunControl(SoakRun run, FelixHost host, RunConsole console, String scenario) {
        this.run = run;
        this.host = host;
        this.console = console;
        this.scenario = scenario;
    }

    /** The run has ended (its manifest is final). */
    public void ended() {
        state = "ended";
    }

    @Override
    public String runId() {
        return run.runId();
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", run.runId());
        m.put("scenario", scenario);
        m.put("state", state);
        m.put("run_dir", run.runDirectory().toAbsolutePath().toString());
        RunConsole.Figures f = console.figures();
        m.put("figures", f.toMap());
        List<Map<String, Object>> stages = new ArrayList<>();
        try {
            RunStatus st = run.status();
            for (RunStatus.StageStatus s : st.stages()) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("stage", s.stage());
                r.put("state", s.state());
                r.put("health", s.health().name().toLowerCase());
                r.put("detail", s.detail());
                r.put("restart_count", s.restartCount());
                r.put("queue_depth", s.queueDepth());
                r.put("handled", s.handled());
                stages.add(r);
            }
            m.put("queue_dropped", st.queueDropped());
            RunStatus.Resources res = st.resources();
            if (res != null) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("rss_mb", Math.round(res.rssMb() * 10) / 10.0);
                r.put("max_rss_mb", Math.round(res.maxRssMb() * 10) / 10.0);
                r.put("open_files", res.openFiles());
                r.put("max_open_files", res.maxOpenFiles());
                r.put("threads", res.threads());
                r.put("max_threads", res.maxThreads());
                m.put("resources", r);
            }
        } catch (RuntimeException e) {
            m.put("status_error", e.getMessage());
        }
        m.put("stages", stages);
        m.put("bundles", new TreeMap<>(host.bundleVersions()));
        m.put("operator_actions", console.actions());
        return m;
    }

    @Override
    public String fault(String kind, String target, Duration duration, Map<String, Object> params) {
        Map<String, Object> p = new TreeMap<>(params == null ? Map.of() : params);
        p.put("source", "operator");
        Map<String, Object> recorded = new TreeMap<>(p);
        if (duration != null && !duration.isZero()) {
            recorded.put("duration", duration.toString());
        }
        try {
            String effect = run.inject(new FaultSpec(Duration.ZERO, kind, target, duration, p));
            console.recordAction("fault " + kind, target, recorded, effect, true);
            return effect;
        } catch (RuntimeException e) {
            console.recordAction("fault " + kind, target, recorded, "refused: " + e.getMessage(), false);
            throw new ControlException(e.getMessage(), e);
        }
    }

    @Override
    public String swap(String stage, String jar) {
        Map<String, Object> params = Map.of("jar", jar);
        try {
            String result = updateBundle(stage, Path.of(jar));
            console.recordAction("swap", stage, params, result, true);
            return result;
        } catch (ControlException e) {
            console.recordAction("swap", stage, params, "refused: " + e.getMessage(), false);
            throw e;
        }
    }

    private String updateBundle(String stage, Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new ControlException("swap " + stage + ": no such jar " + jar);
        }
        Bundle b = host.stageBundle(stage).orElseThrow(() -> new ControlException(
                "swap: no bundle provides stage '" + stage + "' in this run"));
        String bsn;
        String version;
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest mf = in.getManifest();
            if (mf == null || mf.getMainAttributes().getValue("Bundle-SymbolicName") == null) {
                throw new ControlException("swap " + stage + ": " + jar.getFileName() + " is not an OSGi bundle (no Bundle-SymbolicName)");
            }
            bsn = mf.getMainAttributes().getValue("Bundle-SymbolicName").split(";")[0].trim();
            version = String.valueOf(mf.getMainAttributes().getValue("Bundle-Version"));
        } catch (IOException e) {
            throw new ControlException("swap " + stage + ": cannot read " + jar + ": " + e.getMessage(), e);
        }
        if (!bsn.equals(b.getSymbolicName())) {
            throw new ControlException("swap " + stage + ": " + jar.getFileName() + " is bundle " + bsn
                    + ", but stage '" + stage + "' comes from " + b.getSymbolicName());
        }
        String old = b.getVersion().toString();
        try (InputStream in = Files.newInputStream(jar)) {
            b.update(in);
        } catch (IOException | BundleException | IllegalStateException e) {
            throw new ControlException("swap " + stage + ": bundle update failed: " + e.getMessage(), e);
        }
        String now = b.getVersion().toString(); // the update itself is logged and recorded by BundleWatch
        return "bundle " + bsn + " updated " + old + " -> " + now + "; stage " + stage + " swapped with its state";
    }

    @Override
    public String stop(String reason) {
        String why = reason == null || reason.isBlank() ? "operator stop" : reason;
        // recorded first: the final manifest is written while the stop goes on
        console.recordAction("stop", null, Map.of(), "graceful stop requested: " + why, true);
        state = "stopping";
        run.requestStop(why);
        return "graceful stop requested";
    }
}
