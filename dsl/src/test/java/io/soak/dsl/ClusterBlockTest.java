package io.soak.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.soak.api.plan.ScenarioPlan;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code cluster { }}: roles of a scenario on several nodes, carried as cluster.* configuration (docs/scale-out.md). */
class ClusterBlockTest {

    private static final String BODY = """
            soak {
              mode 'replay'
              pace '20x'
              stages 'harvest', 'signal', 'broker', 'report'
              sink 'dual'
              cluster {
                kafka env('SOAK_KAFKA_BOOTSTRAP', '127.0.0.1:9092')
                partitions 6
                %s
              }
            }
            """;

    private static final String ROLES = """
            role 'harvest', stages: ['harvest']
            role 'signal', stages: ['signal', 'broker']
            role 'sinks', stages: ['report'], sinks: true
            """;

    private static ScenarioPlan load(String roles, Map<String, String> env) {
        return ScenarioLoader.load(BODY.formatted(roles), "cluster.groovy", env);
    }

    private static String error(String roles) {
        try {
            load(roles, Map.of());
        } catch (ScenarioException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected an error for " + roles);
    }

    @Test
    void rolesBecomeClusterKeysOfThePlan() {
        ScenarioPlan p = load(ROLES, Map.of("SOAK_KAFKA_BOOTSTRAP", "127.0.0.1:45678"));
        assertThat(p.config()).containsEntry("cluster.kafka", "127.0.0.1:45678")
                .containsEntry("cluster.partitions", 6L)
                .containsEntry("cluster.roles", List.of("harvest", "signal", "sinks"))
                .containsEntry("cluster.role.signal.stages", List.of("signal", "broker"))
                .containsEntry("cluster.role.signal.sinks", false)
                .containsEntry("cluster.role.sinks.sinks", true);
    }

    @Test
    void everyStageInExactlyOneRoleAndOneRoleWritesTheSinks() {
        assertThat(error("role 'a', stages: ['harvest', 'signal', 'broker'], sinks: true"))
                .contains("stage 'report' is in no role");
        assertThat(error(ROLES + "\nrole 'again', stages: ['signal']")).contains("stage 'signal' is in two roles");
        assertThat(error("role 'all', stages: ['harvest', 'signal', 'broker', 'report', 'nope'], sinks: true"))
                .contains("names stage 'nope', which is not in stages");
        assertThat(error("role 'all', stages: ['harvest', 'signal', 'broker', 'report']")).contains("no role writes the sinks");
        assertThat(error("role 'all', stage: ['harvest']")).contains("needs stages");
    }

    @Test
    void kafkaMustBeHostPortAndMaxPaceStaysSingleNode() {
        assertThatThrownBy(() -> ScenarioLoader.load(BODY.formatted(ROLES).replace("env('SOAK_KAFKA_BOOTSTRAP', '127.0.0.1:9092')",
                "'nohost'"), "c.groovy", Map.of())).hasMessageContaining("soak.cluster.kafka must be host:port");
        assertThatThrownBy(() -> ScenarioLoader.load(BODY.formatted(ROLES).replace("pace '20x'", "pace 'max'"), "c.groovy",
                Map.of())).hasMessageContaining("pace 'max' (the deterministic simulation) runs on one node");
    }
}
