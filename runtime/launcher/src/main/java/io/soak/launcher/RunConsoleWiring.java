package io.soak.launcher;

import io.soak.api.plan.ScenarioPlan;
import io.soak.engine.RunExtension;
import io.soak.engine.SoakRun;
import io.soak.launcher.control.BundleWatch;
import io.soak.launcher.control.ControlServer;
import io.soak.launcher.control.LocalRunControl;
import io.soak.launcher.control.Progress;
import io.soak.launcher.control.RunConsole;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code soak run} adds around a run for its operator: the {@link RunConsole} extension (figures,
 * timeline, operator actions, bundle versions), the loopback control channel, the progress line or log and
 * the bundle watch. Kept out of {@link RunCommand} so the command stays a few lines longer only.
 */
final class RunConsoleWiring {

    private static final Logger LOG = LoggerFactory.getLogger(RunConsoleWiring.class);

    private final RunConsole console;
    private final List<RunExtension> extensions;

    private RunConsoleWiring(RunConsole console, List<RunExtension> extensions) {
        this.console = console;
        this.extensions = extensions;
    }

    static void check(String progress, String control) throws UserException {
        try {
            Progress.Mode.parse(progress);
        } catch (IllegalArgumentException e) {
            throw new UserException(Launcher.INVALID, e.getMessage());
        }
        if (!control.equals("tcp") && !control.equals("none")) {
            throw new UserException(Launcher.INVALID, "--control must be tcp or none, got '" + control + "'");
        }
    }

    static RunConsoleWiring before(FelixHost host, List<RunExtension> extensions, ScenarioPlan plan, java.nio.file.Path hot) {
        RunConsole console = new RunConsole(extensions, host::bundleVersions, Manifests.runtimeVersion());
        console.hotDir(hot.toAbsolutePath().toString());
        LOG.info("new bundle builds dropped into {} update this run's bundles", hot);
        List<RunExtension> all = new ArrayList<>(extensions);
        all.add(console);
        return new RunConsoleWiring(console, all);
    }

    List<RunExtension> extensions() {
        return extensions;
    }

    /** Starts the control channel, the bundle watch and the progress; closing stops them. */
    Live start(SoakRun run, FelixHost host, ScenarioPlan plan, Launcher launcher, String progress, String controlMode)
            throws IOException {
        LocalRunControl control = new LocalRunControl(run, host, console, plan.name());
        ControlServer server = null;
        if (controlMode.equals("tcp")) {
            server = ControlServer.start(control, run.runDirectory());
            ControlServer s = server;
            console.control(s::section);
        }
        BundleWatch watch = BundleWatch.watch(host.context(),
                u -> console.recordBundleUpdate(u.bsn(), u.from(), u.to(), u.how()));
        Progress p = Progress.start(Progress.Mode.parse(progress), console, launcher.err(), System.console() != null,
                plan.duration());
        return new Live(control, server, watch, p);
    }

    /** The live parts of a run's console. */
    record Live(LocalRunControl control, ControlServer server, BundleWatch watch, Progress progress) implements AutoCloseable {
        @Override
        public void close() {
            progress.close();
            control.ended();
            if (server != null) {
                server.close();
            }
            watch.close();
            LOG.debug("run console closed");
        }
    }
}
