package io.soak.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.plan.Pace;
import io.soak.api.plan.ScenarioPlan;
import io.soak.engine.EngineOptions;
import io.soak.engine.Registry;
import io.soak.engine.RunOutcome;
import io.soak.engine.SoakRun;
import io.soak.launcher.Launcher;
import io.soak.launcher.control.ControlServer;
import io.soak.launcher.control.LocalRunControl;
import io.soak.launcher.control.RunConsole;
import io.soak.testing.fakes.ManifestTree;
import io.soak.testing.fakes.ReplayFixture;
import io.soak.teststages.internal.CounterReplayFactory;
import io.soak.teststages.internal.PassFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell's {@code fault feed drop|stall|latency|gap|corrupt} verbs through the real control channel: a paced
 * replay runs (engine, test stages), its {@link ControlServer} on loopback with the launcher's
 * {@link LocalRunControl} and {@link RunConsole}; the shell attaches by run id and token file like an operator and
 * injects feed faults, which the run carries out on its replay feed. Failed before: every feed verb on a replay was
 * refused ("needs the feed emulator"), and nothing drove these verbs.
 */
@Timeout(120)
class FeedFaultVerbsTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void feedFaultVerbsReachTheRunOverTheControlChannelAndAreCarriedOut() throws Exception {
        Path runs = dir.resolve("runs");
        ScenarioPlan plan = ReplayFixture.plan("shell-feed", ReplayFixture.source("counter", List.of("aggTrade"),
                        Map.of("rate", 500))).pace(Pace.parse("1x")).duration(Duration.ofMinutes(5))
                .stages(List.of("pass1", "pass2", "pass3", "pass4")).health(Duration.ofMillis(200)).build();
        Registry registry = new Registry();
        for (PassFactory f : PassFactory.chain()) {
            registry.addStage(f);
        }
        registry.addReplay(new CounterReplayFactory());
        RunConsole console = new RunConsole(List.of(), Map::of, "test");
        SoakRun run = new SoakRun(plan, registry, List.of(console), EngineOptions.of(runs).withRunId("shell-feed"));
        LocalRunControl control = new LocalRunControl(run, null, console, plan.name());
        CompletableFuture<RunOutcome> done = CompletableFuture.supplyAsync(run::run);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.isDirectory(run.runDirectory()));
        try (ControlServer server = ControlServer.start(control, run.runDirectory())) {
            console.control(server::section);
            ObjectMapper json = new ObjectMapper();
            Path manifest = run.runDirectory().resolve("run_manifest.json");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.isRegularFile(manifest)
                    && ManifestTree.at(json.readValue(manifest.toFile(), Map.class), "control.address") != null);

            Launcher l = new Launcher(dir, Map.of(), false);
            l.execute(new PrintWriter(out), new PrintWriter(err), "version");
            out.getBuffer().setLength(0);
            Shell shell = new Shell(l, runs, dir.resolve("history"), false);
            assertThat(shell.attach("shell-feed", null)).isTrue();
            assertThat(shell.runLines(List.of("fault feed corrupt count=3"))).isZero();
            assertThat(shell.runLines(List.of("fault feed latency 3s ms=250"))).isZero();
            assertThat(shell.runLines(List.of("fault feed stall btcusdt@aggTrade 1s"))).isZero();
            assertThat(shell.runLines(List.of("fault feed drop 2s"))).isZero();
            // refused by the run, one line through the channel
            assertThat(shell.runLines(List.of("fault feed gap btcusdt@aggTrade"))).isNotZero();
            // refused by the shell
            assertThat(shell.runLines(List.of("fault feed bogus"))).isNotZero();
            assertThat(out.toString())
                    .contains("feed-drop feed: replay connection down for 2000 ms: messages received meanwhile lost")
                    .contains("feed-corrupt feed: sending 3 malformed message(s)")
                    .contains("feed-latency feed: delaying every message by 250 ms for 3000 ms")
                    .contains("feed-stall btcusdt@aggTrade: stalled 'btcusdt@aggTrade' for 1000 ms");
            assertThat(err.toString()).contains("feed-gap needs a depth stream target")
                    .contains("feed fault: one of").doesNotContain("\tat ");
            // the run carried them out: its manifest (rewritten at every 200 ms health tick) shows the effects
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                Map<String, Object> now = json.readValue(manifest.toFile(), Map.class);
                return ManifestTree.num(now, "harvester_metrics.feed_faults.corrupted") == 3
                        && ManifestTree.num(now, "harvester_metrics.feed_faults.dropped") >= 900;
            });
            assertThat(shell.runLines(List.of("stop enough"))).isZero();
        }
        RunOutcome outcome = done.get();
        Map<String, Object> m = outcome.manifest();
        List<String> kinds = ((List<?>) m.get("faults")).stream().map(f -> String.valueOf(((Map<?, ?>) f).get("kind"))).toList();
        assertThat(kinds)
                .contains("feed-drop", "feed-corrupt", "feed-latency", "feed-stall");
        assertThat(ManifestTree.num(m, "harvester_metrics.feed_faults.dropped")).as("2 s at 500 msg/s").isBetween(900L, 1_100L);
        assertThat(ManifestTree.num(m, "harvester_metrics.feed_faults.corrupted")).isEqualTo(3);
        assertThat(ManifestTree.num(m, "harvester_metrics.feed_faults.delayed")).isPositive();
        assertThat(console.actions()).extracting(a -> a.get("action")).contains("fault feed-drop", "fault feed-gap");
    }
}
