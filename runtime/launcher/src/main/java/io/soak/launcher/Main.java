package io.soak.launcher;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The {@code soak} process: finds its home ({@code -Dsoak.home}, set by {@code bin/soak}), runs, exits. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
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
}
