package io.soak.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.plan.Criterion;
import io.soak.engine.internal.Baseline;
import io.soak.engine.internal.Verdict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code baseline.cluster_sent}: a cluster node whose sends Kafka did not acknowledge fails its verdict. */
class BaselineClusterTest {

    private static Map<String, Object> manifest(Object sendErrors) {
        return manifest(sendErrors, 0L);
    }

    private static Map<String, Object> manifest(Object sendErrors, Object badRecords) {
        Map<String, Object> cluster = new LinkedHashMap<>();
        cluster.put("sent", Map.of("market", 3000L));
        cluster.put("send_errors", sendErrors);
        cluster.put("bad_records", badRecords);
        if (!Long.valueOf(0).equals(sendErrors)) {
            cluster.put("last_send_error", "market: Expiring 51 record(s) for soak.r.market-1");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("end_reason", "upstream_done");
        m.put("cluster", cluster);
        return m;
    }

    /** The failures of {@code baseline.cluster_sent} when the baseline is evaluated on {@code m}. */
    private static List<String> clusterSentFailures(Map<String, Object> m) {
        return failures(m, "baseline.cluster_sent");
    }

    private static List<String> failures(Map<String, Object> m, String criterion) {
        Baseline b = new Baseline(new TestPlans().plan());
        m.put(Baseline.SECTION, b.section(m, true));
        assertThat(Baseline.criteria(m)).extracting(Criterion::name).contains(criterion);
        Verdict.Result v = Baseline.evaluate(List.of(), m);
        return v.failures().stream().filter(f -> f.startsWith(criterion + ":")).toList();
    }

    @Test
    void aNodeThatReadRecordsItCouldNotDecodeFails() {
        assertThat(failures(manifest(0L, 0L), "baseline.cluster_received")).isEmpty();
        assertThat(failures(manifest(0L, 5L), "baseline.cluster_received")).singleElement().asString()
                .startsWith("baseline.cluster_received: expected baseline.cluster.bad_records == 0, observed 5");
    }

    @Test
    void aNodeWhoseSendsWereAllAcknowledgedPasses() {
        Map<String, Object> m = manifest(0L);
        assertThat(clusterSentFailures(m)).isEmpty();
        assertThat(TestPlans.at(m, "baseline.cluster.sent")).isEqualTo(3000L);
    }

    @Test
    void aNodeWithASendThatFailedOrExpiredFails() {
        Map<String, Object> m = manifest(51L);
        assertThat(clusterSentFailures(m)).singleElement().asString().startsWith("baseline.cluster_sent: expected baseline.cluster.send_errors == 0, observed 51");
        assertThat(TestPlans.at(m, "baseline.cluster.last_send_error")).asString().contains("Expiring 51 record(s)");
    }

    @Test
    void aRunOutsideAClusterOrAMergedRunHasNoSuchCriterion() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("end_reason", "duration");
        Baseline b = new Baseline(new TestPlans().plan());
        m.put(Baseline.SECTION, b.section(m, true));
        assertThat(Baseline.criteria(m)).extracting(Criterion::name).doesNotContain("baseline.cluster_sent",
                "baseline.cluster_received");
        m.put("cluster", Map.of("merged", true));
        m.put(Baseline.SECTION, b.section(m, true));
        assertThat(Baseline.criteria(m)).extracting(Criterion::name).doesNotContain("baseline.cluster_sent",
                "baseline.cluster_received");
    }
}
