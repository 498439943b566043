package io.soak.launcher;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code soak bundles}: boots the host from the distribution, then lists every bundle, every DS component
 * and the factories they publish, with what is wrong. Also the place the startup time and idle memory of
 * the runtime are read from ({@code scripts/bench-runtime.sh}).
 */
@Command(name = "bundles", mixinStandardHelpOptions = true, description = "Boot the OSGi host and list bundles, components, factories and problems.")
final class BundlesCommand implements Callable<Integer> {

    @ParentCommand
    SoakCommand root;

    @Option(names = "--settle", paramLabel = "<seconds>", defaultValue = "2",
            description = "How long to let components activate before listing (default 2).")
    long settleSeconds;

    @Override
    public Integer call() throws Exception {
        RunLog.verbose(root.verbose);
        PrintWriter out = root.launcher.out();
        Path storage = Files.createTempDirectory("soak-felix-");
        try (FelixHost host = FelixHost.start(HostConfig.fromHome(root.launcher.home(), storage));
             io.soak.launcher.control.BundleWatch watch = io.soak.launcher.control.BundleWatch.watch(host.context(),
                     u -> out.println("hot deploy: bundle " + u.bsn() + " " + u.from() + " -> " + u.to() + " (" + u.how() + ")"))) {
            // one bundle per symbolic name: a newer build in hot/ replaces the installed one (BundleWatch)
            // waits on registry changes for a category nobody publishes: a bounded settle time, not a sleep loop
            host.awaitFactories(Map.of("settle", Set.of("never")), Duration.ofSeconds(settleSeconds));
            out.println("host started in " + host.startupMillis() + " ms");
            out.println("bundles:");
            Map<String, String> versions = host.bundleVersions();
            host.bundleStates().forEach((bsn, state) -> out.println("  " + bsn + " " + versions.get(bsn) + " " + state));
            out.println("components:");
            host.components().forEach(c -> out.println("  " + c));
            out.println("factories:");
            for (String cat : List.of("stage", "sink", "exporter", "feed", "replay", "emulator")) {
                out.println("  " + cat + ": " + String.join(", ", host.registry().keys(cat)));
            }
            List<String> problems = host.diagnostics();
            out.println("problems: " + (problems.isEmpty() ? "none" : ""));
            problems.forEach(p -> out.println("  " + p));
            System.gc();
            out.println("rss_mb " + rssMb() + " heap_used_mb "
                    + (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / (1024 * 1024)
                    + " threads " + Thread.activeCount());
            out.flush();
            return problems.isEmpty() ? Launcher.PASS : Launcher.RUNTIME_FAILURE;
        }
    }

    /** Resident set size of this process from /proc (Linux), or -1. */
    static long rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
