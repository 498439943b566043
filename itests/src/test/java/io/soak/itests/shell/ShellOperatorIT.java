package io.soak.itests.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.launcher.control.ControlClient;
import io.soak.launcher.control.ControlException;
import io.soak.testing.SoakHost;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's console end to end: a first {@code soak shell} (a JLine dumb terminal over piped streams)
 * runs a scenario in the background; a second shell attaches to it over the loopback control channel with the
 * run's token, watches, kills the signal stage, swaps it onto a rebuilt signal bundle of a new version, looks
 * at health and alerts, and stops the run. The manifest records every operator action ({@code source:
 * operator}), the fault, the swap and the new bundle version; a wrong token is refused.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ShellOperatorIT {

    private static final String SIGNAL = "io.soak.soak-signal";

    @TempDir
    Path dir;

    private final Path home = Path.of(System.getProperty(SoakHost.HOME_PROPERTY, "target/soak-home"));
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void secondShellAttachesWatchesKillsSwapsAndStopsTheRunAndTheManifestSaysSo() throws Exception {
        Path runs = dir.resolve("runs");
        Path scenario = scenario();
        Path newSignal = withVersion(onlyJar("soak-signal"), dir.resolve("soak-signal-0.2.0.jar"), "0.2.0.shellit");

        try (ScriptedTerminal first = new ScriptedTerminal(home, runs, dir.resolve("h1")).start();
             ScriptedTerminal second = new ScriptedTerminal(home, runs, dir.resolve("h2"))) {
            first.type("run " + scenario + " --run-id shell-it");
            await().atMost(Duration.ofSeconds(90)).until(() -> first.screen().contains("attached"));
            Path runDir = runs.resolve("shell-it");

            // the token file: the user's only
            assertThat(Files.getPosixFilePermissions(runDir.resolve("control.token")))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            Map<?, ?> live = json.readValue(runDir.resolve("run_manifest.json").toFile(), Map.class);
            String address = String.valueOf(((Map<?, ?>) live.get("control")).get("address"));
            assertThat(address).startsWith("127.0.0.1:");
            assertThat(Files.readString(runDir.resolve("run_manifest.json"))).doesNotContain(
                    Files.readString(runDir.resolve("control.token")).trim());

            // a wrong token is refused, by the client and by the shell
            assertThatThrownBy(() -> ControlClient.connect(address, "0".repeat(64)))
                    .isInstanceOf(ControlException.class).hasMessageContaining("refused");
            assertThat(second.shell.attach("shell-it", "not-the-token")).isFalse();

            assertThat(second.shell.attach("shell-it", null)).isTrue();
            second.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> minute(second) >= 1);
            second.type("watch 2");
            second.type("fault kill signal");
            await().atMost(Duration.ofSeconds(30)).until(() -> second.screen().contains("kill signal: killed instance"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                second.type("status");
                return second.screen().matches("(?s).*signal\\s+running\\s+healthy\\s+1\\b.*");
            });
            second.type("swap signal " + newSignal);
            await().atMost(Duration.ofSeconds(30)).until(() -> second.screen().contains("updated 0.1.0.SNAPSHOT -> 0.2.0.shellit"));
            second.type("health");
            second.type("alerts");
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                second.type("status");
                return second.screen().matches("(?s).*signal\\s+running\\s+healthy\\s+2\\b.*");
            });
            // a newer build dropped into this run's own hot/ directory: FileInstall installs it beside the old
            // one, the engine swaps onto it, the old bundle is uninstalled (one bundle per component)
            Path hotBuild = withVersion(onlyJar("soak-signal"), dir.resolve("soak-signal-0.3.0.jar"), "0.3.0.hot");
            Files.copy(hotBuild, runs.resolve(".hot").resolve("shell-it").resolve("soak-signal-0.3.0.jar"));
            try (ControlClient c = ControlClient.attach(runDir.toString(), runs, null)) {
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        "0.3.0.hot".equals(((Map<?, ?>) c.status().get("bundles")).get(SIGNAL)));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(runDir.resolve("logs/soak.log"))
                    .contains("bundle " + SIGNAL + " 0.2.0.shellit uninstalled: replaced by 0.3.0.hot"));
            second.type("stop");
            await().atMost(Duration.ofSeconds(30)).until(() -> second.screen().contains("graceful stop requested"));
            first.type("wait");
            first.type("exit");
            // 0, or 1 where an early stop makes the verdict INCOMPLETE
            assertThat(first.exit.get(120, TimeUnit.SECONDS)).isIn(0, 1);
            second.type("exit");
            second.exit.get(30, TimeUnit.SECONDS);

            String s2 = second.screen();
            assertThat(s2).contains("msgs/s").contains("decisions").contains("exports ok/failed");
            assertThat(s2).contains("firing:");
            assertThat(first.screen()).contains("run shell-it started in the background").contains(" run shell-it: ")
                    .contains("operator ...");

            Map<?, ?> m = json.readValue(runDir.resolve("run_manifest.json").toFile(), Map.class);
            List<?> actions = (List<?>) m.get("operator_actions");
            assertThat(actions.stream().map(a -> String.valueOf(((Map<?, ?>) a).get("action"))).toList())
                    .containsSubsequence("fault kill", "swap", "stop");
            assertThat(actions).allSatisfy(a -> assertThat(((Map<?, ?>) a).get("source")).isEqualTo("operator"));
            List<?> faults = (List<?>) m.get("faults");
            assertThat(faults).anySatisfy(f -> {
                assertThat(((Map<?, ?>) f).get("kind")).isEqualTo("kill");
                assertThat(((Map<?, ?>) ((Map<?, ?>) f).get("params")).get("source")).isEqualTo("operator");
            });
            Map<?, ?> versions = (Map<?, ?>) m.get("versions");
            assertThat(((Map<?, ?>) versions.get("bundles")).get(SIGNAL)).isEqualTo("0.3.0.hot");
            assertThat(((Map<?, ?>) versions.get("bundles_at_start")).get(SIGNAL)).isEqualTo("0.1.0.SNAPSHOT");
            assertThat((List<?>) versions.get("updates")).anySatisfy(u -> assertThat(((Map<?, ?>) u).get("to")).isEqualTo("0.2.0.shellit"))
                    .anySatisfy(u -> assertThat(String.valueOf(((Map<?, ?>) u).get("how"))).contains("new version installed from")
                            .contains(".hot/shell-it/"));
            assertThat(Files.readString(runDir.resolve("logs/soak.log")))
                    .contains("bundle " + SIGNAL + " updated 0.1.0.SNAPSHOT -> 0.2.0.shellit")
                    .contains("bundle " + SIGNAL + " updated 0.2.0.shellit -> 0.3.0.hot");
            Map<?, ?> signal = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) m.get("status")).get("processes")).get("signal");
            assertThat(((Number) signal.get("restart_count")).intValue()).isGreaterThanOrEqualTo(2);
            assertThat(((Number) ((Map<?, ?>) m.get("control")).get("requests_refused")).intValue()).isGreaterThanOrEqualTo(2);
            // the reports show the operator's actions
            assertThat(Files.readString(runDir.resolve("report.html"))).contains("Operator actions").contains("fault kill")
                    .contains("0.2.0.shellit");
            assertThat(Files.readString(runDir.resolve("reports/fault_injection_report.md"))).contains("operator");
            assertThat(runDir.resolve("control.token")).doesNotExist();
        }
    }

    @Test
    void nonInteractiveShellRunsCommandsAndRefusesUnknownOnes() {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = new io.soak.launcher.Launcher(home, Map.of(), false).execute(new java.io.PrintWriter(out),
                new java.io.PrintWriter(err), "shell", "--runs-dir", dir.toString(), "-c", "help fault; runs");
        assertThat(code).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("fault kill|crash|hang <stage>").contains("run  scenario  state");
        code = new io.soak.launcher.Launcher(home, Map.of(), false).execute(new java.io.PrintWriter(out),
                new java.io.PrintWriter(err), "shell", "-c", "nosuch; status");
        assertThat(code).isEqualTo(3);
        assertThat(err.toString()).contains("error: unknown command 'nosuch'").contains("error: no run attached")
                .doesNotContain("Exception");
    }

    private static int minute(ScriptedTerminal t) throws IOException {
        t.type("status");
        java.util.regex.Matcher mm = java.util.regex.Pattern.compile("minute (\\d+)").matcher(t.screen());
        int last = -1;
        while (mm.find()) {
            last = Integer.parseInt(mm.group(1));
        }
        return last;
    }

    private Path scenario() throws IOException {
        Path f = dir.resolve("shell-it.groovy");
        Files.writeString(f, """
                soak {
                  name 'shell-it'
                  mode 'replay'
                  pace '10x'
                  seed 3
                  duration 30.minutes
                  source {
                    type 'synthetic'
                    symbols 'BTCUSDT', 'ETHUSDT'
                    streams 'aggTrade', 'bookTicker', 'depth5@100ms'
                  }
                  stages 'harvest', 'signal', 'broker', 'report'
                  sink 'jsonl'
                  health { interval 10.seconds }
                  timeseries { type 'file' }
                  alerts { standard() }
                  expect {
                    restartWithin 'signal', seconds: 12
                  }
                }
                """);
        return f;
    }

    private Path onlyJar(String prefix) throws IOException {
        try (var s = Files.list(home.resolve("bundles"))) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix + "-")).findFirst().orElseThrow();
        }
    }

    /** A rebuild of a bundle jar with another Bundle-Version: a new version of the same symbolic name. */
    static Path withVersion(Path jar, Path out, String version) throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest mf = new Manifest(in.getManifest());
            mf.getMainAttributes().put(new Attributes.Name("Bundle-Version"), version);
            try (OutputStream os = Files.newOutputStream(out); JarOutputStream jos = new JarOutputStream(os, mf)) {
                JarEntry e;
                while ((e = in.getNextJarEntry()) != null) {
                    jos.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(jos);
                    jos.closeEntry();
                }
            }
        }
        return out;
    }
}
