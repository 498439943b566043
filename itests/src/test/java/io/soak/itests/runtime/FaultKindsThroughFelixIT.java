package io.soak.itests.runtime;

import static io.soak.itests.runtime.CounterPlans.at;
import static io.soak.itests.runtime.CounterPlans.num;
import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.plan.FaultSpec;
import io.soak.api.plan.Pace;
import io.soak.api.sink.Row;
import io.soak.api.stage.Settings;
import io.soak.engine.Registry;
import io.soak.engine.RunOutcome;
import io.soak.itests.runtime.CounterPlans.CountFacts;
import io.soak.testing.SoakHost;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault kinds beyond kill/crash/hang through the real runtime (Felix, the test-stages bundle, the SQLite
 * sink bundle): {@code swap} with a jar installs the jar as the stage's bundle mid-run, {@code slow-sink} holds
 * the SQLite sink's commits back. Before these were carried out, both ran to exit 0 with the swap ignoring
 * the jar and the slow sink recorded as "not applied".
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FaultKindsThroughFelixIT {

    private static final String TEST_STAGES = "io.soak.soak-test-stages";

    @RegisterExtension
    final SoakHost host = SoakHost.builder().bundles("soak-test-stages", "soak-sink-sqlite")
            .awaitStages("pass1", "pass2", "pass3", "pass4", "count").await(Registry.REPLAY, "counter")
            .await(Registry.SINK, "sqlite").build();

    @TempDir
    Path work;

    @Test
    void swapWithAJarInstallsTheNewBundleVersionMidRunAndTheStateMovesToIt() throws Exception {
        String before = host.host().bundleVersions().get(TEST_STAGES);
        Path jar = newVersion(host.bundleJar("soak-test-stages"), work.resolve("test-stages-9.jar"), "9.9.9", "swap-2");
        CounterPlans p = new CounterPlans();
        p.pace = Pace.parse("4x");
        p.rate = 300;
        p.duration = Duration.ofSeconds(60);
        p.faults.add(new FaultSpec(Duration.ofSeconds(20), "swap", "pass2", Duration.ZERO, Map.of("jar", jar.toString())));
        CountFacts facts = new CountFacts();
        RunOutcome out = host.newRun(p.plan("swap-jar"), Settings.empty(), null, List.of(facts)).run();
        Map<String, Object> m = out.manifest();

        assertThat(host.bundleHeader(TEST_STAGES, "Soak-Build")).isEqualTo("swap-2");
        assertThat(host.host().bundleVersions().get(TEST_STAGES)).isEqualTo("9.9.9");
        String versions = TEST_STAGES + " " + before + " -> 9.9.9";
        assertThat(at(m, "versions.swapped.pass2")).isEqualTo(versions);
        Map<?, ?> swap = CounterPlans.list(m, "faults").stream().map(f -> (Map<?, ?>) f)
                .filter(f -> "swap".equals(f.get("kind")) && f.get("params") != null).findFirst().orElseThrow();
        assertThat(((Map<?, ?>) swap.get("params")).get("bundle_versions")).isEqualTo(versions);
        assertThat(String.valueOf(swap.get("effect"))).contains("test-stages-9.jar");
        // every stage of the updated bundle moved to the new code with its snapshot; nothing lost or twice
        assertThat(at(m, "status.processes.count.restarts.0.cause")).isEqualTo("factory_removed");
        assertThat(m.get("faults").toString()).contains("snapshot restored");
        SupervisionThroughFelixIT.assertEveryNumberArrivedOnce(m, facts, -1);
        assertThat(out.exitCode()).as(String.join("\n", out.failures())).isZero();
    }

    @Test
    void slowSinkHoldsTheSqliteCommitsBackAndTheRowsArriveOnceAfterIt() throws Exception {
        CounterPlans p = new CounterPlans();
        p.rate = 1000;
        p.duration = Duration.ofSeconds(60);
        p.sinks = List.of("sqlite");
        p.config.put("sinks.topics", List.of("t4"));
        p.config.put("sinks.simulation_commit_interval_ms", 1000);
        p.faults.add(new FaultSpec(Duration.ofSeconds(10), "slow-sink", "sqlite", Duration.ofSeconds(30), Map.of()));
        CountFacts facts = new CountFacts();
        var run = host.newRun(p.plan("slow-sink"), Settings.empty(), null, List.of(facts));
        RunOutcome out = run.run();
        Map<String, Object> m = out.manifest();

        assertThat(at(m, "faults.0.effect")).isEqualTo("commits of sink sqlite held back for PT30S");
        assertThat(num(m, "sinks.sqlite.slow_windows")).isEqualTo(1);
        assertThat(num(m, "sinks.sqlite.commits_delayed")).isBetween(29L, 30L);
        assertThat(num(m, "sinks.sqlite.max_uncommitted_rows")).isGreaterThanOrEqualTo(30_000L);
        long published = num(m, "bus.topics.t4.published");
        try (Stream<Row> back = host.registry().sink("sqlite").orElseThrow().readBack(run.runDirectory())) {
            List<Long> seqs = back.filter(r -> r.topic().equals("t4")).map(Row::seq).sorted().toList();
            assertThat(seqs).hasSize((int) published);
            assertThat(seqs.get(seqs.size() - 1)).isEqualTo(published);
        }
        SupervisionThroughFelixIT.assertEveryNumberArrivedOnce(m, facts, -1);
    }

    /** A copy of a bundle jar with another Bundle-Version and a build header: a new version of the same bundle. */
    static Path newVersion(Path jar, Path out, String version, String build) throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest mf = new Manifest(in.getManifest());
            mf.getMainAttributes().put(new Attributes.Name("Bundle-Version"), version);
            mf.getMainAttributes().put(new Attributes.Name("Soak-Build"), build);
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
