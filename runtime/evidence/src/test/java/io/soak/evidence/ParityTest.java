package io.soak.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ParityTest {

    @TempDir
    Path dir;

    final RunFixture run = new RunFixture();

    Evidence evidence(List<String> sinks) throws Exception {
        Map<String, io.soak.api.sink.SinkFactory> f = new LinkedHashMap<>();
        sinks.forEach(s -> f.put(s, run.sinks.get(s)));
        return Evidence.compute("run-1", dir, f, sinks, Map.of(), ZoneId.of("Asia/Tokyo"), RunFixture.JSON);
    }

    @Test
    void bothSinksHoldingTheSameRowsMatchExactly() throws Exception {
        run.write(dir, RunFixture.rows());
        Evidence e = evidence(List.of("jsonl", "sqlite"));

        Map<String, Object> p = e.paritySection();
        assertThat(p).containsEntry("status", "compared").containsEntry("exact_match", true)
                .containsEntry("total_diff_pct", 0.0).containsEntry("confirm_diff_pct", 0.0)
                .containsEntry("strong_ratio_diff_pct", 0.0).containsEntry("differences", 0L);
        assertThat(p.get("first_difference")).isNull();
        Map<String, Object> doc = e.parityDocument();
        @SuppressWarnings("unchecked")
        Map<String, Object> align = (Map<String, Object>) doc.get("window_alignment");
        assertThat(align).containsEntry("minutes", 4).containsEntry("equal_minutes", 4L);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> sides = (Map<String, Map<String, Object>>) doc.get("sides");
        assertThat(sides.get("jsonl")).containsEntry("total", 90L).containsEntry("confirmed", 30L)
                .containsEntry("strong", 10L).containsEntry("missing_rows", 0L);
        assertThat(sides.get("jsonl").get("content_hash")).isEqualTo(sides.get("sqlite").get("content_hash"));
    }

    @Test
    void aCorruptedSqliteRowIsReportedWithItsSeq() throws Exception {
        run.write(dir, RunFixture.rows());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("signals.db"));
             Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE signals SET json = replace(json, '\"confirm\":true', '\"confirm\":false') "
                    + "WHERE topic = 'decision' AND seq = 27");
        }
        Evidence e = evidence(List.of("jsonl", "sqlite"));

        assertThat(e.paritySection()).containsEntry("exact_match", false).containsEntry("differences", 1L);
        assertThat(e.paritySection().get("first_difference"))
                .isEqualTo(Map.of("topic", "decision", "seq", 27L, "kind", "content_differs"));
        assertThat((double) e.paritySection().get("confirm_diff_pct")).isCloseTo(100.0 / 30, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(e.paritySection().get("total_diff_pct")).isEqualTo(0.0);
    }

    @Test
    void aRemovedJsonlLineIsReportedWithItsSeq() throws Exception {
        run.write(dir, RunFixture.rows());
        Path decisions = dir.resolve("signals/decision/2024-08-08T23.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(decisions));
        String removed = lines.remove(11);
        Files.write(decisions, lines);
        assertThat(removed).contains("\"seq\":12,");

        Evidence e = evidence(List.of("jsonl", "sqlite"));

        assertThat(e.paritySection()).containsEntry("exact_match", false).containsEntry("differences", 1L);
        assertThat(e.paritySection().get("first_difference"))
                .isEqualTo(Map.of("topic", "decision", "seq", 12L, "kind", "only_in_sqlite"));
        assertThat(e.paritySection().get("missing_rows")).isEqualTo(Map.of("jsonl", 1L, "sqlite", 0L));
        assertThat((double) e.paritySection().get("total_diff_pct")).isCloseTo(100.0 / 90, org.assertj.core.api.Assertions.within(1e-9));
    }

    /** A run written before one JSONL file per topic and hour (one directory per symbol) still compares exactly. */
    @Test
    void aRunInTheOldPerSymbolJsonlLayoutStillMatchesAndAGapIsStillFound() throws Exception {
        run.write(dir, RunFixture.rows());
        RunFixture.toOldLayout(dir);
        assertThat(dir.resolve("signals/decision/BTCUSDT/2024-08-08-23.jsonl")).isRegularFile();
        assertThat(dir.resolve("signals/decision/2024-08-08T23.jsonl")).doesNotExist();
        Evidence e = evidence(List.of("jsonl", "sqlite"));
        assertThat(e.paritySection()).containsEntry("exact_match", true).containsEntry("differences", 0L);
        assertThat(e.summaries().get("jsonl").get("totals")).isEqualTo(e.summaries().get("sqlite").get("totals"));

        Path btc = dir.resolve("signals/decision/BTCUSDT/2024-08-08-23.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(btc));
        assertThat(lines.remove(5)).contains("\"seq\":12,");
        Files.write(btc, lines);
        assertThat(evidence(List.of("jsonl", "sqlite")).paritySection().get("first_difference"))
                .isEqualTo(Map.of("topic", "decision", "seq", 12L, "kind", "only_in_sqlite"));
    }

    @Test
    void summariesOfBothSinksAreIdenticalInNumbers() throws Exception {
        run.write(dir, RunFixture.rows());
        Evidence e = evidence(List.of("jsonl", "sqlite"));
        e.write(dir, RunFixture.JSON);

        Map<String, Object> a = new LinkedHashMap<>(e.summaries().get("jsonl"));
        Map<String, Object> b = new LinkedHashMap<>(e.summaries().get("sqlite"));
        assertThat(a.remove("sink")).isEqualTo("jsonl");
        assertThat(b.remove("sink")).isEqualTo("sqlite");
        a.remove("computed_from");
        b.remove("computed_from");
        assertThat(a).isEqualTo(b);
        @SuppressWarnings("unchecked")
        Map<String, Object> totals = (Map<String, Object>) a.get("totals");
        assertThat(totals).containsEntry("decisions", 90L).containsEntry("total", 30L).containsEntry("strong", 10L)
                .containsEntry("orders", 10L).containsEntry("fills", 10L);
        assertThat(a.get("gating_breakdown")).isEqualTo(Map.of("low_consistency", 15L, "weak_signal", 45L));
        assertThat(Files.readString(dir.resolve("reports/summary_sqlite.md")))
                .contains("Asia/Tokyo").contains("2024-08-09 08:54:00 JST").contains("## Harvester SLOs")
                .contains("not recorded in the manifest");
        assertThat(dir.resolve("reports/summary_jsonl.json")).exists();
        assertThat(dir.resolve("parity_diff.json")).exists();
    }

    @Test
    void oneSinkMakesParityNotApplicable() throws Exception {
        run.write(dir, RunFixture.rows());
        Evidence e = evidence(List.of("sqlite"));
        assertThat(e.paritySection()).containsEntry("status", "not_applicable").containsEntry("exact_match", "not_applicable");
        assertThat(e.summaries()).containsOnlyKeys("sqlite");
    }
}
