package io.soak.itests.timeseries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.soak.api.plan.TimeseriesSpec;
import io.soak.engine.Registry;
import io.soak.testing.SoakHost;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Pushgateway of this test's own (started and stopped by PID, on a free loopback port) goes away in the
 * middle of a run: every export while it is down is a warning and a counted error, the run goes on,
 * export_failing fires after three failures in a row and resolves once exports succeed again.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExportOutageIT {

    @RegisterExtension
    static final SoakHost HOST = SoakHost.builder().bundles("soak-exporter-pushgateway").build();

    private static final Path BINARY = Path.of(System.getProperty("soak.pushgateway.bin", "/usr/bin/prometheus-pushgateway"));

    @TempDir
    Path dir;

    private Process pushgateway;

    @BeforeAll
    static void host() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BINARY), BINARY + " not installed: run `scripts/services.sh start` "
                + "(it installs the Debian packages) or set -Dsoak.pushgateway.bin");
        HOST.awaitFactories(Map.of(Registry.EXPORTER, Set.of("prometheus")), Duration.ofSeconds(30));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void startPushgateway(int port) throws Exception {
        pushgateway = new ProcessBuilder(BINARY.toString(), "--web.listen-address=127.0.0.1:" + port, "--persistence.file=")
                .redirectErrorStream(true).redirectOutput(dir.resolve("pushgateway-" + System.nanoTime() + ".log").toFile())
                .start();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> Services.status("http://127.0.0.1:" + port + "/-/ready") == 200);
    }

    private void stopPushgateway() throws Exception {
        pushgateway.destroy();
        if (!pushgateway.waitFor(10, TimeUnit.SECONDS)) {
            pushgateway.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void cleanup() throws Exception {
        if (pushgateway != null && pushgateway.isAlive()) {
            stopPushgateway();
        }
    }

    @Test
    void pushgatewayStoppedMidRunCountsErrorsFiresExportFailingAndResolvesWhenItReturns() throws Exception {
        int port = freePort();
        String url = "http://127.0.0.1:" + port;
        startPushgateway(port);
        MinuteRun run = new MinuteRun("it-outage-" + System.nanoTime(),
                new TimeseriesSpec("prometheus", url, false, Map.of("call_timeout_ms", "2000"), Map.of()), HOST.registry(), dir);
        run.start();
        for (int i = 0; i < 3; i++) {
            run.close(100, 40, 8, 0.1);
        }
        stopPushgateway();
        for (int i = 0; i < 5; i++) {
            run.close(100, 40, 8, 0.1); // minutes 4..8: every export fails, the run goes on
        }
        assertThat(run.section("timeseries_export")).containsEntry("error_count", 5L).containsEntry("export_count", 3L);
        assertThat(run.extension.alerts().states().get("export_failing").id()).isEqualTo("firing");
        startPushgateway(port);
        run.close(100, 40, 8, 0.1); // minute 9: export works; evaluated before it, the rule still fires
        run.close(100, 40, 8, 0.1); // minute 10: resolved
        run.finish();

        Map<String, Object> export = run.section("timeseries_export");
        assertThat(export).containsEntry("error_count", 5L).containsEntry("export_count", 6L)
                .containsEntry("consecutive_failures", 0).containsEntry("max_consecutive_failures", 5);
        Map<String, Object> alerts = run.section("alerts");
        assertThat(alerts.get("fired_rules")).isEqualTo(List.of("export_failing"));
        assertThat(alerts.get("resolved_rules")).isEqualTo(List.of("export_failing"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> triggered = (List<Map<String, Object>>) alerts.get("triggered");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> recovered = (List<Map<String, Object>>) alerts.get("recovered");
        // minutes 4, 5, 6 failed: the evaluation closing minute 7 (at its end, 7 min after T0) sees 3 in a row
        assertThat(triggered.get(0)).containsEntry("at_ms", MinuteRun.T0 + 7 * 60_000L).containsEntry("value", 3L);
        assertThat(recovered.get(0)).containsEntry("at_ms", MinuteRun.T0 + 10 * 60_000L);
        // the returned Pushgateway holds the run's last push, which says how many exports had failed
        String body = Services.getBody(url + "/metrics");
        assertThat(body).contains("soak_export_errors_total{").contains("soak_run_finished{");
        assertThat(body.lines().filter(l -> l.startsWith("soak_export_errors_total{")).findFirst().orElseThrow())
                .endsWith(" 5");
    }
}
