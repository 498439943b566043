package io.soak.launcher.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loopback control channel: the token decides, the address is loopback, the answers are the interface's. */
class ControlChannelTest {

    @TempDir
    Path runDir;

    /** A RunControl that records what it was asked. */
    static final class Recording implements RunControl {
        final List<String> calls = new ArrayList<>();

        @Override
        public String runId() {
            return "r-1";
        }

        @Override
        public Map<String, Object> status() {
            calls.add("status");
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run_id", "r-1");
            m.put("stages", List.of(Map.of("stage", "signal", "health", "healthy")));
            return m;
        }

        @Override
        public String fault(String kind, String target, Duration duration, Map<String, Object> params) {
            if (target.equals("nosuch")) {
                throw new IllegalArgumentException("fault kill: no stage 'nosuch' in this run");
            }
            calls.add("fault " + kind + " " + target + " " + duration.toMillis() + " " + params);
            return "killed instance";
        }

        @Override
        public String swap(String stage, String jar) {
            calls.add("swap " + stage);
            return "swapped";
        }

        @Override
        public String stop(String reason) {
            calls.add("stop " + reason);
            return "graceful stop requested";
        }
    }

    @Test
    void servesTheRunToTheRightTokenOnly() throws Exception {
        Recording run = new Recording();
        try (ControlServer server = ControlServer.start(run, runDir)) {
            Path tokenFile = runDir.resolve(ControlServer.TOKEN_FILE);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
            String token = Files.readString(tokenFile).trim();
            assertThat(token).hasSize(64);
            assertThat(server.address()).startsWith("127.0.0.1:");
            assertThat(server.section().toString()).doesNotContain(token);

            assertThatThrownBy(() -> ControlClient.connect(server.address(), "f".repeat(64)))
                    .isInstanceOf(ControlException.class).hasMessageContaining("refused");
            assertThatThrownBy(() -> ControlClient.connect(server.address(), ""))
                    .isInstanceOf(ControlException.class).hasMessageContaining("refused");
            assertThat(server.refused()).isEqualTo(2);
            assertThat(run.calls).isEmpty();

            try (ControlClient c = ControlClient.connect(server.address(), token)) {
                assertThat(c.runId()).isEqualTo("r-1");
                assertThat(c.status()).containsEntry("run_id", "r-1");
                assertThat(c.fault("kill", "signal", Duration.ofSeconds(2), Map.of("k", "v"))).isEqualTo("killed instance");
                assertThatThrownBy(() -> c.fault("kill", "nosuch", Duration.ZERO, Map.of()))
                        .isInstanceOf(ControlException.class).hasMessage("fault kill: no stage 'nosuch' in this run");
                assertThat(c.stop("done")).isEqualTo("graceful stop requested");
            }
            assertThat(run.calls).containsExactly("status", "fault kill signal 2000 {k=v}", "stop done");
        }
        assertThat(runDir.resolve(ControlServer.TOKEN_FILE)).doesNotExist();
    }

    @Test
    void clientRefusesNonLoopbackAddressesAndEndedRuns() throws Exception {
        assertThatThrownBy(() -> ControlClient.connect("10.1.2.3:4000", "x")).isInstanceOf(ControlException.class)
                .hasMessageContaining("not a loopback address");
        Files.writeString(runDir.resolve("run_manifest.json"),
                "{\"run_id\":\"r-1\",\"ended_at\":\"2024-01-01T00:00:00Z\",\"control\":{\"address\":\"127.0.0.1:1\"}}");
        assertThatThrownBy(() -> ControlClient.attach(runDir.toString(), null, null)).isInstanceOf(ControlException.class)
                .hasMessageContaining("is not running");
    }
}
