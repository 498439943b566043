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
