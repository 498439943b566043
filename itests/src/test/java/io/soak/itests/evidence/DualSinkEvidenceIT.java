package io.soak.itests.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.testdata.TestData;
import io.soak.api.plan.Criterion;
import io.soak.api.plan.FaultSpec;
import io.soak.api.plan.Mode;
import io.soak.api.plan.Pace;
import io.soak.api.plan.RestartPolicy;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.plan.SourceSpec;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.api.sink.Row;
import io.soak.api.stage.Settings;
import io.soak.engine.RunExtension;
import io.soak.engine.RunOutcome;
import io.soak.evidence.EvidenceExtensionFactory;
import io.soak.evidence.Verifier;
import io.soak.testing.SoakHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real pipeline (harvest, signal, broker, report bundles in the real Felix host) over the shared
 * recordings at max pace, writing both sinks, with the signal stage killed and the SQLite sink crashed
 * mid-run: the two sinks must hold exactly the same rows (parity exact, 0 differences), neither may miss or
 * repeat a seq, the evidence files must be there, and {@code soak verify}'s logic must agree with the
 * manifest. Both sink bundles (the SQLite one with its embedded native library) load inside Felix here.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DualSinkEvidenceIT {

    private static final List<String> SYMBOLS = List.of("BTCUSDT", "ETHUSDT");

    @RegisterExtension
    static final SoakHost HOST = SoakHost.builder()
            .bundles("soak-harvest", "soak-signal", "soak-broker", "soak-report", "soak-sink-jsonl", "soak-sink-sqlite")
            .awaitStages("harvest", "signal", "broker", "report").await("sink", "jsonl", "sqlite").build();

    private static Path data;

    @BeforeAll
    static void data() {
        // the full shared recordings (345 s) when found, else the 30 s fixture of runtime/testdata (never a skip)
        data = TestData.dir();
        System.out.println("DualSinkEvidenceIT reads the " + TestData.describe());
    }

    /** A fault time on the 345 s recordings, scaled to the 30 s fixture when that is what is read. */
    private static Duration at(int secondsOnFullRecordings) {
        return Duration.ofSeconds(TestData.full() ? secondsOnFullRecordings : secondsOnFullRecordings * 30L / 345);
    }

    private static ScenarioPlan plan() {
        SourceSpec source = new SourceSpec("capture", SYMBOLS, List.of("trade", "bookTicker", "depth@0ms"), "",
                List.of(data.resolve("btcusdt_20240808.gz").toString(), data.resolve("ethusdt_20240808.gz").toString()),
                false, Map.of(), Map.of(), Map.of());
        List<FaultSpec> faults = List.of(
                new FaultSpec(at(120), "kill", "signal", Duration.ZERO, Map.of()),
                new FaultSpec(at(200), "crash", "sqlite", Duration.ZERO, Map.of()),
                new FaultSpec(at(260), "crash", "jsonl", Duration.ZERO, Map.of()));
        List<Criterion> expect = List.of(
                new Criterion("parity_exact", "parity.exact_match", "==", true, "the two sinks hold the same rows"),
                new Criterion("parity_total", "parity.total_diff_pct", "<", 0.5, "acceptance 4"),
                new Criterion("parity_confirm", "parity.confirm_diff_pct", "<", 0.5, "acceptance 4"),
                new Criterion("parity_strong_ratio", "parity.strong_ratio_diff_pct", "<", 0.5, "acceptance 4"),
                new Criterion("signal_restarted", "status.processes.signal.restart_count", ">=", 1, "acceptance 8"),
                new Criterion("waive.run_completed", "baseline", "waive", "run_completed",
                        "the 345 s captures are replayed once: the feed ends before the 10 planned minutes"));
        return new ScenarioPlan("dual-sink-evidence", "<itest>", "0".repeat(64), Mode.REPLAY, Pace.MAX, 11L,
                Duration.ofMinutes(10), source, List.of("harvest", "signal", "broker", "report"), List.of("jsonl", "sqlite"),
                Duration.ofSeconds(10), RestartPolicy.defaults(), new TimeseriesSpec("none", "", false, Map.of(), Map.of()),
                List.of(), faults, expect, Map.of(), "Asia/Tokyo");
    }

    /** Keeps the evidence of the run under target/reports/dual-sink-evidence for people to read. */
    private static void keep(Path runDir, String verify) throws java.io.IOException {
        Path out = Path.of("target", "reports", "dual-sink-evidence");
        Files.createDirectories(out.resolve("reports"));
        for (String f : List.of("run_manifest.json", "parity_diff.json")) {
            Files.copy(runDir.resolve(f), out.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        try (Stream<Path> s = Files.list(runDir.resolve("reports"))) {
            for (Path p : s.toList()) {
                Files.copy(p, out.resolve("reports").resolve(p.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.writeString(out.resolve("verify.txt"), verify);
    }

    @Test
    @SuppressWarnings("unchecked")
    void dualSinksStayIdenticalThroughAStageKillAndASinkCrashAndVerifyAgrees() throws Exception {
        ScenarioPlan plan = plan();
        RunExtension evidence = new EvidenceExtensionFactory().create(plan, Settings.empty());
        RunOutcome outcome = HOST.newRun(plan, Settings.empty(), null, List.of(evidence)).run();
        Map<String, Object> m = outcome.manifest();
        Path runDir = HOST.runsDir().resolve(outcome.runId());
        System.out.println("parity: " + m.get("parity"));
        System.out.println("minutes: " + m.get("minutes"));
        System.out.println("faults: " + m.get("faults"));

        assertThat(outcome.exitCode()).as("verdict %s, failures %s", m.get("verdict"), outcome.failures()).isZero();
        Map<String, Object> parity = (Map<String, Object>) m.get("parity");
        assertThat(parity).containsEntry("status", "compared").containsEntry("exact_match", true)
                .containsEntry("differences", 0L);
        assertThat((Map<String, Object>) parity.get("missing_rows")).containsEntry("jsonl", 0L).containsEntry("sqlite", 0L);
        assertThat((Map<String, Object>) parity.get("duplicate_rows")).containsEntry("jsonl", 0L).containsEntry("sqlite", 0L);
        assertThat(m.get("faults").toString()).contains("sink_restart, target=sqlite").contains("sink_restart, target=jsonl");

        // every seq of every topic exactly once in each sink, read back straight from the files
        for (String type : List.of("jsonl", "sqlite")) {
            Map<String, Long> next = new HashMap<>();
            long rows;
            try (Stream<Row> s = HOST.registry().sink(type).orElseThrow().readBack(runDir)) {
                rows = s.peek(r -> {
                    long want = next.getOrDefault(r.topic(), 1L);
                    assertThat(r.seq()).as("%s %s", type, r.topic()).isEqualTo(want);
                    next.put(r.topic(), want + 1);
                }).count();
            }
            assertThat(rows).as("rows in %s", type).isPositive();
            assertThat(next).containsKey("decision");
        }

        for (String f : List.of("parity_diff.json", "reports/summary_jsonl.json", "reports/summary_jsonl.md",
                "reports/summary_sqlite.json", "reports/summary_sqlite.md", "reports/soak_report.md",
                "reports/fault_injection_report.md", "reports/timeseries_export_report.md",
                "reports/alert_verification_report.md")) {
            assertThat(runDir.resolve(f)).as(f).isRegularFile();
        }
        assertThat(Files.readString(runDir.resolve("reports/fault_injection_report.md"))).contains("| kill | signal");

        Verifier.Verification v = Verifier.verify(runDir, type -> HOST.registry().sink(type));
        System.out.println(v.text());
        keep(runDir, v.text());
        assertThat(v.mismatches()).isEmpty();
        assertThat(v.exitCode()).isZero();

        // the same through the command line, as a user runs it: match, then a removed JSONL line, then no run at all
        assertThat(soakVerify(runDir)).as(lastOut).isZero();
        assertThat(lastOut).contains("MATCH");
        Path file;
        try (Stream<Path> files = Files.walk(runDir.resolve("signals/decision"))) {
            file = files.filter(p -> p.toString().endsWith(".jsonl")).sorted().findFirst().orElseThrow();
        }
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(file));
        String removed = lines.remove(lines.size() / 2);
        Files.write(file, lines);
        String seq = removed.replaceAll(".*\"seq\":(\\d+),.*", "$1");
        assertThat(soakVerify(runDir)).as(lastOut).isEqualTo(1);
        assertThat(lastOut).contains("MISMATCH").contains("jsonl: rows missing, topic decision seq " + seq)
                .contains("sinks differ at topic decision seq " + seq + " (only_in_sqlite)");
        assertThat(soakVerify(runDir.resolve("no-such-run"))).as(lastOut).isEqualTo(2);
    }

    private String lastOut = "";

    /** {@code soak verify <dir>} in-process against the built bundles (the dist layout under soak.test.home). */
    private int soakVerify(Path dir) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        Path home = Path.of(System.getProperty(SoakHost.HOME_PROPERTY, "target/soak-home"));
        int code = new io.soak.launcher.Launcher(home, Map.of(), false).execute(new java.io.PrintWriter(out),
                new java.io.PrintWriter(err), "verify", dir.toString());
        lastOut = out + "\n" + err;
        System.out.println("soak verify " + dir + " -> " + code + "\n" + lastOut);
        return code;
    }
}
