package io.soak.transport.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The control topic's state without a broker: who owned a partition before a node's assignment (takeovers). */
class ControlStateTest {

    private static Map<String, Object> owns(String node, int... parts) {
        return owns(node, "scan", parts);
    }

    private static Map<String, Object> owns(String node, String role, int... parts) {
        return Map.of("type", "owns", "node", node, "role", role, "partitions",
                Map.of("market", java.util.Arrays.stream(parts).boxed().toList()));
    }

    @Test
    void aFirstAssignmentOfAPartitionAnotherNodeOwnedIsATakeover() {
        ControlState s = new ControlState();
        s.apply(owns("s1", 0, 1, 2));
        assertThat(s.previousOwner("scan", "market-0", "s1")).as("the first owner took nothing over").isNull();
        s.apply(owns("k", "sinks", 0, 1, 2)); // another role's group shares the same partitions on its own
        assertThat(s.previousOwner("sinks", "market-2", "k")).isNull();
        s.apply(owns("s2", 2)); // s2 joins: its first assignment
        assertThat(s.previousOwner("scan", "market-2", "s2")).isEqualTo("s1");
        assertThat(s.previousOwner("scan", "market-1", "s2")).as("never assigned to s2").isNull();
        s.apply(owns("s1", 2)); // s2 left
        assertThat(s.previousOwner("scan", "market-2", "s1")).isEqualTo("s2");
        s.apply(owns("s1", 2)); // assigned again with nobody in between
        assertThat(s.previousOwner("scan", "market-2", "s1")).isNull();
    }

    @Test
    void waitsForTheRecordItWroteToBeApplied() throws Exception {
        ControlState s = new ControlState();
        s.applied(4);
        assertThat(s.awaitApplied(4, 10)).isTrue();
        assertThat(s.awaitApplied(5, 10)).isFalse();
        assertThat(List.of(s.nodes())).hasSize(1);
    }
}
