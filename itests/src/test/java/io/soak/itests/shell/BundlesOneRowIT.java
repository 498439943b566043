package io.soak.itests.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.launcher.Launcher;
import io.soak.testing.SoakHost;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code soak bundles} with a newer build of a bundle in the install's {@code hot/}: FileInstall installs it
 * beside the old one; the listing shows one row per component, the new version, and says what replaced what.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BundlesOneRowIT {

    @TempDir
    Path dir;

    @Test
    void newerBuildInHotReplacesTheInstalledBundleInTheListing() throws Exception {
        Path test = Path.of(System.getProperty(SoakHost.HOME_PROPERTY, "target/soak-home"));
        Path home = dir.resolve("home");
        copyTree(test.resolve("bundles"), home.resolve("bundles"));
        copyTree(test.resolve("lib/felix"), home.resolve("lib/felix"));
        Path signal;
        try (Stream<Path> s = Files.list(home.resolve("bundles"))) {
            signal = s.filter(p -> p.getFileName().toString().startsWith("soak-signal-")).findFirst().orElseThrow();
        }
        Files.createDirectories(home.resolve("hot"));
        ShellOperatorIT.withVersion(signal, home.resolve("hot/soak-signal-0.5.0.jar"), "0.5.0.hot");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        new Launcher(home, Map.of(), false).execute(new PrintWriter(out), new PrintWriter(err), "bundles", "--settle", "4");
        String listing = out.toString();
        long rows = listing.lines().filter(l -> l.trim().startsWith("io.soak.soak-signal ")).count();
        assertThat(rows).as(listing).isEqualTo(1);
        assertThat(listing).contains("io.soak.soak-signal 0.5.0.hot ACTIVE")
                .contains("hot deploy: bundle io.soak.soak-signal 0.1.0.SNAPSHOT -> 0.5.0.hot");
        long components = listing.lines().filter(l -> l.contains("(io.soak.soak-signal)")).count();
        assertThat(components).as(listing).isEqualTo(1);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
    }
}
