package io.soak.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.soak.api.plan.ScenarioPlan;
import io.soak.dsl.ScenarioLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code soak run <cluster scenario> --role}: a node's share of the plan (docs/scale-out.md). */
class ClusterRoleTest {

    private static final String CLUSTER = """
            soak {
              mode 'replay'
              pace '20x'
              source { type 'synthetic'; symbols 'BTCUSDT'; streams 'aggTrade' }
              stages 'harvest', 'signal', 'broker', 'report'
              sink 'dual'
              faults { at 1.minutes, kill: 'signal'; at 2.minutes, kill: 'report' }
              cluster {
                kafka '127.0.0.1:9092'
                role 'harvest', stages: ['harvest']
                role 'signal', stages: ['signal', 'broker']
                role 'sinks', stages: ['report'], sinks: true
              }
            }
            """;

    private static ScenarioPlan plan(String text) {
        return ScenarioLoader.load(text, "c.groovy", Map.of());
    }

    @Test
    void aRoleRunsItsStagesWritesSinksOnlyWhenItSaysAndKeepsItsOwnFaults() throws Exception {
        ScenarioPlan signal = ClusterRole.apply(plan(CLUSTER), "signal", "s1", "127.0.0.1:1234");
        assertThat(signal.config()).containsEntry("cluster.role", "signal").containsEntry("cluster.node", "s1")
                .containsEntry("cluster.stages", List.of("signal", "broker")).containsEntry("cluster.kafka", "127.0.0.1:1234");
        assertThat(signal.sinks()).isEmpty();
        assertThat(signal.faults()).extracting(f -> f.target()).containsExactly("signal");
        assertThat(signal.stages()).containsExactly("harvest", "signal", "broker", "report");

        ScenarioPlan sinks = ClusterRole.apply(plan(CLUSTER), "sinks", null, null);
        assertThat(sinks.sinks()).containsExactly("jsonl", "sqlite");
        assertThat(sinks.config()).containsEntry("cluster.kafka", "127.0.0.1:9092").doesNotContainKey("cluster.node");
        assertThat(sinks.faults()).extracting(f -> f.target()).containsExactly("report");
    }

    @Test
    void aClusterScenarioNeedsARoleAndARoleNeedsAClusterScenario() throws Exception {
        assertThatThrownBy(() -> ClusterRole.apply(plan(CLUSTER), null, null, null)).isInstanceOf(UserException.class)
                .hasMessageContaining("runs on a cluster: give --role harvest|signal|sinks");
        assertThatThrownBy(() -> ClusterRole.apply(plan(CLUSTER), "nope", null, null))
                .hasMessageContaining("unknown role 'nope'");
        assertThatThrownBy(() -> ClusterRole.apply(plan(CLUSTER), "signal", null, "nohost"))
                .hasMessageContaining("--kafka must be host:port");
        assertThatThrownBy(() -> ClusterRole.apply(plan("soak { }"), "signal", null, null))
                .hasMessageContaining("need a scenario with a cluster { } block");
        assertThat(ClusterRole.apply(plan("soak { }"), null, null, null).config()).doesNotContainKey("cluster.role");
    }
}
