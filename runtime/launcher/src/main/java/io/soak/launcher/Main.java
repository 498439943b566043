package io.soak.launcher;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The {@code soak} process: finds its home ({@code -Dsoak.home}, set by {@code bin/soak}), runs, exits. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        StartupFigures.mainEntered();
        // picocli looks for Groovy closures in annotations with Class.forName("groovy.lang.Closure"), which starts
        // the whole Groovy runtime (~0.5 s of CPU) in every command, soak version included; soak uses none
        System.setProperty("picocli.disable.closures", "true");
        warmUp(args);
        // compiled scenario classes are kept between processes (docs/benchmarks.md, "Start to first event")
        io.soak.dsl.ScenarioLoader.useClassCache(classCacheDir());
        // a thread dying of an uncaught exception is logged as one line (stack trace with --verbose), not the
        // JVM's default multi-line dump on stderr
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> org.slf4j.LoggerFactory.getLogger(Main.class)
                .error("thread {} died", t.getName(), e));
        String homeProp = System.getProperty("soak.home", System.getenv().getOrDefault("SOAK_HOME", "."));
        Launcher launcher = new Launcher(Path.of(homeProp).toAbsolutePath().normalize(), System.getenv(), true);
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = launcher.execute(out, err, args);
        if (SignalGuard.shuttingDown()) {
            // a signal started the JVM's shutdown: its hook halts with this code once the run is written
            return;
        }
        System.exit(code);
    }

    /**
     * A command that loads a scenario needs the Groovy runtime, whose start (its metaclass registry, ~0.5 s of CPU)
     * does not depend on anything the command does first (picocli, logging, the configuration): it starts on its
     * own thread, on the other core, while they run (docs/benchmarks.md, "Start to first event").
     */
    static void warmUp(String[] args) {
        boolean scenario = false;
        for (String a : args) {
            if (a.equals("run") || a.equals("validate") || a.equals("shell") || a.equals("bench")) {
                scenario = true;
                break;
            }
        }
        if (!scenario || "off".equals(System.getProperty("soak.warmup"))) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                Class.forName("org.codehaus.groovy.runtime.InvokerHelper", true, Main.class.getClassLoader());
            } catch (Throwable e) {
                // only a head start: the scenario's loading does the same and reports what fails
            }
        }, "soak-warmup");
        t.setDaemon(true);
        t.start();
    }

    /** {@code -Dsoak.dsl.cache_dir}, else {@code $XDG_CACHE_HOME/soak/scenarios}, else {@code ~/.cache/soak/scenarios}. */
    static Path classCacheDir() {
        String dir = System.getProperty("soak.dsl.cache_dir");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "soak", "scenarios");
        }
        String home = System.getProperty("user.home");
        return home == null || home.isBlank() || "?".equals(home) ? null : Path.of(home, ".cache", "soak", "scenarios");
    }
}
