package io.soak.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.plan.Criterion;
import io.soak.engine.internal.Verdict;
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
class VerifierTest {

    @TempDir
    Path dir;

    final RunFixture run = new RunFixture();

    /** A finished run directory as the engine and this module leave it. */
    Map<String, Object> finishedRun() throws Exception {
        run.write(dir, RunFixture.rows());
        List<String> sinks = List.of("jsonl", "sqlite");
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("run_id", "run-1");
        manifest.put("scenario", "unit");
        manifest.put("mode", "replay");
        manifest.put("pace", "max");
        manifest.put("started_at", "2024-08-08T23:54:00Z");
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("sinks", List.of("dual"));
        plan.put("report_time_zone", "UTC");
        List<Criterion> criteria = List.of(
                new Criterion("parity_total", "parity.total_diff_pct", "<", 0.5, ""),
                new Criterion("parity_exact", "parity.exact_match", "==", true, ""),
                new Criterion("minutes_total", "minutes.total", ">", 0, ""));
        plan.put("expectations", Verifier.normalise(RunFixture.JSON, Map.of("x", criteria)).get("x"));
        manifest.put("plan", plan);
        manifest.put("minutes", Map.of("closed", 4, "total", 30, "strong_ratio", 1.0 / 3, "late_events", 0));
        Evidence e = Evidence.compute("run-1", dir, run.sinks, sinks, manifest, ZoneId.of("UTC"), RunFixture.JSON);
        e.write(dir, RunFixture.JSON);
        manifest.put("parity", e.paritySection());
        manifest.put("verdict", Verdict.evaluate(criteria, Verifier.normalise(RunFixture.JSON, manifest)).section());
        Files.writeString(dir.resolve("run_manifest.json"), RunFixture.JSON.writeValueAsString(manifest));
        return manifest;
    }

    @Test
    void anUntouchedRunMatchesItsManifest() throws Exception {
        finishedRun();
        Verifier.Verification v = Verifier.verify(dir, run::sink);
        assertThat(v.mismatches()).isEmpty();
        assertThat(v.outcome()).isEqualTo(Verifier.Outcome.MATCH);
        assertThat(v.exitCode()).isZero();
        assertThat(v.text()).contains("MATCH").contains("no seq missing or duplicated").contains("verdict recomputed");
    }

    @Test
    void aCorruptedSqliteRowIsAMismatchNamingItsSeq() throws Exception {
        finishedRun();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("signals.db"));
             Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE signals SET json = replace(json, '\"score\":1.0', '\"score\":9.0') "
                    + "WHERE topic = 'decision' AND seq = 41");
        }
        Verifier.Verification v = Verifier.verify(dir, run::sink);
        assertThat(v.outcome()).isEqualTo(Verifier.Outcome.MISMATCH);
        assertThat(v.exitCode()).isEqualTo(1);
        assertThat(v.mismatches()).contains("sinks differ at topic decision seq 41 (content_differs)");
        assertThat(v.text()).contains("parity.exact_match: manifest true, recomputed false")
                .contains("criterion parity_exact");
    }

    @Test
    void aRemovedJsonlLineIsAMismatchNamingItsSeq() throws Exception {
        finishedRun();
        Path decisions = dir.resolve("signals/decision/2024-08-08T23.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(decisions));
        lines.remove(0);
        Files.write(decisions, lines);
        Verifier.Verification v = Verifier.verify(dir, run::sink);
        assertThat(v.outcome()).isEqualTo(Verifier.Outcome.MISMATCH);
        assertThat(v.mismatches()).contains("jsonl: rows missing, topic decision seq 1",
                "sinks differ at topic decision seq 1 (only_in_sqlite)");
    }

    /** {@code soak verify} of a run written before one JSONL file per topic and hour (per-symbol directories). */
    @Test
    void aRunInTheOldPerSymbolJsonlLayoutStillVerifiesAndARemovedLineIsStillFound() throws Exception {
        finishedRun();
        RunFixture.toOldLayout(dir);
        Verifier.Verification v = Verifier.verify(dir, run::sink);
        assertThat(v.mismatches()).isEmpty();
        assertThat(v.outcome()).isEqualTo(Verifier.Outcome.MATCH);

        Path eth = dir.resolve("signals/decision/ETHUSDT/2024-08-08-23.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(eth));
        lines.remove(0);
        Files.write(eth, lines);
        v = Verifier.verify(dir, run::sink);
        assertThat(v.outcome()).isEqualTo(Verifier.Outcome.MISMATCH);
        assertThat(v.mismatches()).contains("jsonl: rows missing, topic decision seq 1",
                "sinks differ at topic decision seq 1 (only_in_sqlite)");
    }

    @Test
    void aDirectoryWithoutManifestCannotBeVerified() throws Exception {
        Verifier.Verification v = Verifier.verify(dir, run::sink);
        assertThat(v.outcome()).isEqualTo(Verifier.Outcome.BAD_DIRECTORY);
        assertThat(v.exitCode()).isEqualTo(2);
        assertThat(v.text()).contains("no run_manifest.json");
        assertThat(Verifier.verify(dir.resolve("nope"), run::sink).exitCode()).isEqualTo(2);
    }

    @Test
    void aMissingSinkFactoryCannotBeVerified() throws Exception {
        finishedRun();
        Verifier.Verification v = Verifier.verify(dir, t -> java.util.Optional.empty());
        assertThat(v.exitCode()).isEqualTo(2);
        assertThat(v.mismatches()).singleElement().asString().contains("no sink factory of type 'jsonl'");
    }

    @Test
    void reportsOpenWithTheCriteriaTableAndSayWhenASectionIsEmpty() throws Exception {
        Map<String, Object> manifest = Verifier.normalise(RunFixture.JSON, finishedRun());
        manifest.put("faults", List.of(new java.util.TreeMap<>(Map.of("kind", "kill", "target", "signal",
                "at", "2024-08-08T23:55:00Z", "effect", "restarted"))));
        manifest.put("status", Map.of("processes", Map.of("signal", Map.of("state", "running", "restart_count", 1,
                "max_recovery_ms", 620, "restarts", List.of(Map.of("cause", "kill", "backoff_ms", 500, "recovery_ms", 620))))));
        manifest.put("restart_backoff_pattern", List.of(500));
        Reports.writeAll(dir.resolve("reports"), manifest, ZoneId.of("Asia/Tokyo"), RunFixture.JSON);

        for (String f : Reports.FILES) {
            String text = Files.readString(dir.resolve("reports").resolve(f));
            assertThat(text).as(f).contains("## Acceptance criteria: PASSED").contains("| ✅ pass | parity_total |");
        }
        assertThat(Files.readString(dir.resolve("reports/fault_injection_report.md")))
                .contains("| kill | signal |").contains("2024-08-09 08:55:00 JST").contains("Restarts of signal")
                .contains("applied (ms, in order): 500");
        assertThat(Files.readString(dir.resolve("reports/alert_verification_report.md"))).contains("no alerts section");
        assertThat(Files.readString(dir.resolve("reports/timeseries_export_report.md")))
                .contains("no timeseries_export section");
    }
}
