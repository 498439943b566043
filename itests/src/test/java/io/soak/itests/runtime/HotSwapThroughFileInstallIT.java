package io.soak.itests.runtime;

import static io.soak.itests.runtime.CounterPlans.at;
import static io.soak.itests.runtime.CounterPlans.num;
import static io.soak.itests.runtime.SupervisionThroughFelixIT.allRunning;
import static io.soak.itests.runtime.SupervisionThroughFelixIT.handled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.soak.api.plan.Pace;
import io.soak.api.stage.Settings;
import io.soak.engine.Registry;
import io.soak.engine.RunOutcome;
import io.soak.engine.SoakRun;
import io.soak.itests.runtime.CounterPlans.CountFacts;
import io.soak.testing.SoakHost;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hot swap as an operator does it: a new build of a stage bundle dropped into {@code hot/} while a run goes
 * on. FileInstall updates the installed bundle of the same symbolic name; the engine sees the stage factories
 * go and come back, moves the stages' state, and the pipeline keeps every number.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HotSwapThroughFileInstallIT {

    private static final String TEST_STAGES = "io.soak.soak-test-stages";

    @RegisterExtension
    final SoakHost host = SoakHost.builder().bundles("soak-test-stages")
            .awaitStages("pass1", "pass2", "pass3", "pass4", "count").await(Registry.REPLAY, "counter")
            .hotPoll(Duration.ofMillis(200))
            .build();

    @TempDir
    Path work;

    @Test
    void jarDroppedIntoHotUpdatesTheBundleAndTheStagesKeepRunning() throws Exception {
        CounterPlans p = new CounterPlans();
        p.pace = Pace.parse("1x");
        p.rate = 400;
        p.duration = Duration.ofSeconds(90);
        CountFacts facts = new CountFacts();
        SoakRun run = host.newRun(p.plan("hot-swap"), Settings.empty(), null, List.of(facts));
        CompletableFuture<RunOutcome> running = CompletableFuture.supplyAsync(run::run);
        await().atMost(Duration.ofSeconds(30)).until(() -> handled(run, "count") > 200);
        long installedAt = host.bundleLastModified(TEST_STAGES);
        assertThat(host.bundleHeader(TEST_STAGES, "Soak-Build")).isNull();

        Path newBuild = withHeader(host.bundleJar("soak-test-stages"), work.resolve("soak-test-stages-hot.jar"),
                "Soak-Build", "hot-2");
        host.dropIntoHot(newBuild);

        await().atMost(Duration.ofSeconds(30)).until(() -> "hot-2".equals(host.bundleHeader(TEST_STAGES, "Soak-Build")));
        assertThat(host.bundleLastModified(TEST_STAGES)).isGreaterThanOrEqualTo(installedAt);
        long afterSwap = handled(run, "count");
        await().atMost(Duration.ofSeconds(30)).until(() -> allRunning(run) && handled(run, "count") > afterSwap + 200);
        run.requestStop("hot swap test done");
        RunOutcome outcome = running.get(60, TimeUnit.SECONDS);

        Map<String, Object> m = outcome.manifest();
        assertThat(host.bundleState(TEST_STAGES)).isEqualTo("ACTIVE");
        assertThat(num(m, "status.processes.pass2.restart_count")).isGreaterThanOrEqualTo(1);
        assertThat(CounterPlans.list(m, "faults").stream().map(f -> String.valueOf(((Map<?, ?>) f).get("kind"))).toList()).contains("swap");
        assertThat(facts.get("seen")).isGreaterThan(afterSwap);
        // the count stage's state (last number and seq seen) moved to the new build by snapshot/restore
        SupervisionThroughFelixIT.assertEveryNumberArrivedOnce(m, facts, -1);
    }

    /** A copy of a bundle jar with one more manifest header: a "new build" of the same symbolic name and version. */
    static Path withHeader(Path jar, Path out, String header, String value) throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest mf = new Manifest(in.getManifest());
            mf.getMainAttributes().put(new Attributes.Name(header), value);
            try (OutputStream os = Files.newOutputStream(out); JarOutputStream jos = new JarOutputStream(os, mf)) {
                JarEntry e;
                while ((e = in.getNextJarEntry()) != null) {
                    jos.putNextEntry(new JarEntry(e.getName()));
                    copy(in, jos);
                    jos.closeEntry();
                }
            }
        }
        return out;
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        in.transferTo(out);
    }
}
