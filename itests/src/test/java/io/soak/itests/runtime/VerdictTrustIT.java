package io.soak.itests.runtime;

import static io.soak.testing.fakes.ManifestTree.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.run.RunDirectory;
import io.soak.launcher.Launcher;
import io.soak.testing.SoakHost;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A verdict you can trust (issue 10): through {@code soak run} / {@code soak verify} on the built bundles, the
 * runs that did nothing, read nothing, never synced their books, reused a directory or contradict their own
 * evidence do not pass, and {@code soak verify} is read-only and says when a run did not end. Case 3 (a run
 * stopped early) is {@link IncompleteRunIT}, which needs the stop from outside that only the test host offers.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class VerdictTrustIT {

    /** The full shared recordings when found, else the fixture of runtime/testdata. */
    private static final Path DATA = io.soak.testdata.TestData.dir();

    @TempDir
    Path dir;

    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    private int soak(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        Path home = Path.of(System.getProperty(SoakHost.HOME_PROPERTY, "target/soak-home"));
        return new Launcher(home, Map.of(), false).execute(new PrintWriter(out), new PrintWriter(err), args);
    }

    private String said() {
        return out + "\n" + err;
    }

    private Path scenario(String name, String body) throws IOException {
        Path file = dir.resolve(name + ".groovy");
        Files.writeString(file, "soak {\n  name '" + name + "'\n" + body + "\n}\n");
        return file;
    }


    @SuppressWarnings("unchecked")
    private static Map<String, Object> manifest(Path runDir) throws IOException {
        return new ObjectMapper().readValue(runDir.resolve(RunDirectory.MANIFEST).toFile(), Map.class);
    }

    private static int deadLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort(); // closed again: nothing listens there
        }
    }

    private static void assumeData() {
        // never skipped: TestData falls back to the fixture
        org.assertj.core.api.Assertions.assertThat(DATA.resolve("btcusdt_20240808.gz")).isRegularFile();
    }

    /** The first {@code lines} stream messages of a capture, with or without its REST snapshot line. */
    private Path captureHead(String name, int lines, boolean keepSnapshot) throws IOException {
        Path target = dir.resolve(name);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(DATA.resolve("btcusdt_20240808.gz"))), StandardCharsets.UTF_8));
             OutputStream o = new GZIPOutputStream(Files.newOutputStream(target))) {
            String line;
            int n = 0;
            while (n < lines && (line = r.readLine()) != null) {
                boolean stream = line.contains("{\"stream\":");
                if (!stream && !keepSnapshot) {
                    continue;
                }
                o.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                n++;
            }
        }
        return target;
    }

    // 1 -------------------------------------------------------------------------------------------------------

    @Test
    void liveRunWhoseFeedNeverConnectsFails() throws Exception {
        int port = deadLoopbackPort();
        Path s = scenario("dead-feed", """
                  mode 'live'
                  duration 6.seconds
                  source { type 'binance-ws'; endpoint 'ws://127.0.0.1:%d'; symbols 'BTCUSDT'; streams 'trade', 'bookTicker' }
                  stages 'harvest'
                  sink 'none'
                  timeseries { type 'none' }
                  alerts { none() }
                  expect { harvester queueDropped: 0 }
                """.formatted(port));
        int code = soak("run", s.toString(), "--runs-dir", dir.resolve("runs").toString(), "--run-id", "dead");
        assertThat(code).as(said()).isEqualTo(1);
        assertThat(out.toString()).contains("FAIL run dead").contains("baseline.live_connected")
                .contains("baseline.messages_handled").contains("baseline.substream.btcusdt@trade");
        Map<String, Object> m = manifest(dir.resolve("runs/dead"));
        assertThat(at(m, "baseline.live.connected")).isEqualTo(false);
        assertThat(at(m, "baseline.messages_handled")).isEqualTo(0);
        assertThat(at(m, "verdict.passed")).isEqualTo(false);
    }

    // 2 -------------------------------------------------------------------------------------------------------

    @Test
    void replayThatReadsNothingFails() throws Exception {
        assumeData();
        // the case: a capture whose recorded symbol is not the one subscribed reads nothing at all
        Path capture = captureHead("examples_usdm_btcusdt_20240718.gz", 5_000, true);
        Path s = scenario("reads-nothing", """
                  mode 'replay'
                  pace 'max'
                  duration 2.minutes
                  source { type 'capture'; files '%s'; symbols 'SOLUSDT'; streams 'trade', 'bookTicker' }
                  stages 'harvest'
                  sink 'none'
                  timeseries { type 'none' }
                  alerts { none() }
                  expect { harvester queueDropped: 0, parseErrors: 0 }
                """.formatted(capture.toString().replace("\\", "/")));
        int code = soak("run", s.toString(), "--runs-dir", dir.resolve("runs").toString(), "--run-id", "nothing");
        assertThat(code).as(said()).isEqualTo(1);
        assertThat(out.toString()).contains("baseline.messages_handled: expected baseline.messages_handled > 0, observed 0")
                .contains("baseline.substream.solusdt@trade");
        Map<String, Object> m = manifest(dir.resolve("runs/nothing"));
        assertThat(at(m, "baseline.messages_handled")).isEqualTo(0);
        assertThat(at(m, "baseline.substreams.solusdt@trade")).isEqualTo(0);
    }

    // 4 -------------------------------------------------------------------------------------------------------

    @Test
    void reusedRunIdIsRefusedUnlessReplacedAndALockedDirectoryIsRefusedEvenThen() throws Exception {
        Path s = scenario("twice", """
                  mode 'replay'
                  pace 'max'
                  duration 1.minutes
                  source { type 'counter'; symbols 'BTCUSDT'; set 'rate', 200 }
                  stages 'pass', 'count'
                  sink 'none'
                  timeseries { type 'none' }
                  alerts { none() }
                  expect { metric 'status.processes.count.handled', '>', 0 }
                """);
        Path runs = dir.resolve("runs");
        assertThat(soak("run", s.toString(), "--runs-dir", runs.toString(), "--run-id", "same")).as(said()).isZero();
        Path runDir = runs.resolve("same");
        Files.writeString(runDir.resolve("first-run.txt"), "the first run was here");
        Map<String, String> before = checksums(runDir);

        int again = soak("run", s.toString(), "--runs-dir", runs.toString(), "--run-id", "same");
        assertThat(again).isEqualTo(2);
        assertThat(err.toString().strip()).contains("already exists").contains("--replace").doesNotContain("\n");
        assertThat(checksums(runDir)).as("the first run's evidence is untouched").isEqualTo(before);

        // another run holds the directory's lock: even --replace is refused
        try (FileChannel ch = FileChannel.open(runDir.resolve(RunDirectory.LOCK), StandardOpenOption.WRITE);
             FileLock held = ch.lock()) {
            int locked = soak("run", s.toString(), "--runs-dir", runs.toString(), "--run-id", "same", "--replace");
            assertThat(locked).as(said()).isEqualTo(2);
            assertThat(err.toString().strip()).contains("in use by another run").doesNotContain("\n");
        }

        assertThat(soak("run", s.toString(), "--runs-dir", runs.toString(), "--run-id", "same", "--replace"))
                .as(said()).isZero();
        assertThat(runDir.resolve("first-run.txt")).as("replacing removed the first run's files").doesNotExist();
        assertThat(at(manifest(runDir), "verdict.status")).isEqualTo("PASS");
        assertThat(runDir.resolve(RunDirectory.LOCK)).isRegularFile();
    }

    // 5 -------------------------------------------------------------------------------------------------------

    @Test
    void depthSubscribedButNeverSyncedFails() throws Exception {
        assumeData();
        Path noSnapshot = captureHead("btcusdt_20240808.gz", 40_000, false);
        String body = """
                  mode 'replay'
                  pace 'max'
                  duration 6.minutes
                  source { type 'capture'; files '%s'; symbols 'BTCUSDT'; streams 'trade', 'bookTicker', 'depth@0ms'; loop true }
                  stages 'harvest'
                  sink 'none'
                  timeseries { type 'none' }
                  alerts { none() }
                  expect { harvester queueDropped: 0 }
                """;
        Path s = scenario("unsynced", body.formatted(noSnapshot.toString().replace("\\", "/")));
        int code = soak("run", s.toString(), "--runs-dir", dir.resolve("runs").toString(), "--run-id", "unsynced");
        assertThat(code).as(said()).isEqualTo(1);
        assertThat(out.toString()).contains("baseline.book_synced.BTCUSDT: expected baseline.books.symbols.BTCUSDT.synced_share >= 0.9, observed 0.0");
        Map<String, Object> m = manifest(dir.resolve("runs/unsynced"));
        assertThat(at(m, "baseline.books.symbols.BTCUSDT.synced_share")).isEqualTo(0.0);
        assertThat(((Number) at(m, "baseline.books.symbols.BTCUSDT.ticks")).longValue()).isGreaterThan(20);

        // the same capture with its snapshot: the book syncs and the criterion passes
        Path withSnapshot = captureHead("synced_btcusdt_20240808.gz", 40_000, true);
        Path ok = scenario("synced", body.formatted(withSnapshot.toString().replace("\\", "/")));
        assertThat(soak("run", ok.toString(), "--runs-dir", dir.resolve("runs").toString(), "--run-id", "synced"))
                .as(said()).isZero();
        assertThat(((Number) at(manifest(dir.resolve("runs/synced")), "baseline.books.symbols.BTCUSDT.synced_share"))
                .doubleValue()).isGreaterThanOrEqualTo(0.9);
    }

    // 6 and 7 -------------------------------------------------------------------------------------------------

    private String marketScenario(String extra) {
        return """
                  mode 'replay'
                  pace 'max'
                  seed 5
                  duration 4.minutes
                  source { type 'synthetic'; symbols 'BTCUSDT', 'ETHUSDT'; streams 'aggTrade', 'bookTicker', 'depth5@100ms' }
                  stages 'harvest', 'signal', 'broker', 'report'
                  sink 'dual'
                  alerts { none() }
                %s
                  expect { brokerInvariants() }
                """.formatted(extra);
    }

    @Test
    void evidenceAgreesWithItselfWhenTheFinalPushFails() throws Exception {
        int port = deadLoopbackPort();
        Path s = scenario("push-fails", marketScenario(
                "  timeseries { type 'prometheus'; url 'http://127.0.0.1:" + port + "'; required false }"));
        int code = soak("run", s.toString(), "--runs-dir", dir.resolve("runs").toString(), "--run-id", "push");
        assertThat(code).as(said()).isZero();
        Path runDir = dir.resolve("runs/push");
        Map<String, Object> m = manifest(runDir);
        assertThat(at(m, "timeseries_export.final_push")).as("the final push failed").isEqualTo(false);
        assertThat(((Number) at(m, "timeseries_export.error_count")).longValue()).isPositive();
        for (String sink : List.of("jsonl", "sqlite")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> summary = new ObjectMapper().readValue(
                    runDir.resolve("reports").resolve("summary_" + sink + ".json").toFile(), Map.class);
            assertThat(at(summary, "runtime_state.timeseries_export.final_push")).isEqualTo(false);
            assertThat(at(summary, "runtime_state.timeseries_export.export_count")).isEqualTo(at(m, "timeseries_export.export_count"));
            assertThat(at(summary, "runtime_state.timeseries_export.error_count")).isEqualTo(at(m, "timeseries_export.error_count"));
        }
        assertThat(at(m, "baseline.evidence.contradiction_count")).isEqualTo(0);
        assertThat((List<?>) at(m, "baseline.evidence.checked")).isNotEmpty();
        assertThat(soak("verify", runDir.toString())).as(said()).isZero();

        // a summary that says something else than the manifest is found
        Path summary = runDir.resolve("reports/summary_jsonl.json");
        String text = Files.readString(summary);
        Files.writeString(summary, text.replaceFirst("\"final_push\" ?: ?false", "\"final_push\" : true"));
        assertThat(soak("verify", runDir.toString())).as(said()).isEqualTo(1);
        assertThat(out.toString()).contains("evidence contradicts itself: reports/summary_jsonl.json runtime_state.timeseries_export.final_push says true but manifest timeseries_export.final_push says false");
    }

    @Test
    void verifyComparesEveryTypedSqliteColumnWithTheRowAndChangesNothing() throws Exception {
        Path s = scenario("typed", marketScenario("  timeseries { type 'none' }"));
        assertThat(soak("run", s.toString(), "--runs-dir", dir.resolve("runs").toString(), "--run-id", "typed"))
                .as(said()).isZero();
        Path runDir = dir.resolve("runs/typed");
        Map<String, String> before = checksums(runDir);
        assertThat(soak("verify", runDir.toString())).as(said()).isZero();
        assertThat(checksums(runDir)).as("verify changed the run directory").isEqualTo(before);

        // flip one decision's confirm column, JSON untouched: SQL over the columns now counts one more confirmed
        long seq;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + runDir.resolve(RunDirectory.SQLITE));
             Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT min(seq) FROM signals WHERE topic = 'decision' AND confirm = 0")) {
                rs.next();
                seq = rs.getLong(1);
            }
            st.executeUpdate("UPDATE signals SET confirm = 1 WHERE topic = 'decision' AND seq = " + seq);
        }
        Map<String, String> tampered = checksums(runDir);
        assertThat(soak("verify", runDir.toString())).as(said()).isEqualTo(1);
        assertThat(out.toString()).contains("sinks differ at topic decision seq " + seq + " (content_differs)")
                .contains("parity.");
        assertThat(checksums(runDir)).as("verify changed the run directory").isEqualTo(tampered);
    }

    @Test
    void verifySaysIncompleteForAKilledRunAndCountsOnlyWhatWasCommitted() throws Exception {
        Path s = scenario("killed", """
                  mode 'replay'
                  pace '1x'
                  seed 5
                  duration 10.minutes
                  source { type 'synthetic'; symbols 'BTCUSDT', 'ETHUSDT'; streams 'aggTrade', 'bookTicker', 'depth5@100ms' }
                  stages 'harvest', 'signal', 'broker', 'report'
                  sink 'dual'
                  timeseries { type 'none' }
                  alerts { none() }
                  config { set 'signal.z.warmup', 5 }
                """);
        Path runs = dir.resolve("runs");
        Path home = Path.of(System.getProperty(SoakHost.HOME_PROPERTY, "target/soak-home")).toAbsolutePath();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx256m", "-Dsoak.home=" + home,
                "-cp", System.getProperty("java.class.path"), "io.soak.launcher.Main",
                "run", s.toString(), "--runs-dir", runs.toString(), "--run-id", "killed")
                .redirectErrorStream(true).redirectOutput(dir.resolve("killed.out").toFile()).start();
        Path runDir = runs.resolve("killed");
        try {
            // killed (SIGKILL) once both sinks hold committed decisions: the SQLite WAL still holds them. The
            // engine commits both sinks every second: once the JSONL watermark moved past its first decision
            // commit, the SQLite commit of that round is done too.
            Path watermark = runDir.resolve("signals/_committed.json");
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(100)).until(() ->
                    Files.isRegularFile(watermark) && Files.readString(watermark).contains("decision")
                            && Files.isRegularFile(runDir.resolve(RunDirectory.MANIFEST)));
            String first = Files.readString(watermark);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                    !Files.readString(watermark).equals(first)
                            && Files.isRegularFile(runDir.resolve("signals.db-wal"))
                            && Files.size(runDir.resolve("signals.db-wal")) > 0);
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        Map<String, String> before = checksums(runDir);
        int code = soak("verify", runDir.toString());
        assertThat(code).as(said() + Files.readString(dir.resolve("killed.out"))).isEqualTo(1);
        assertThat(out.toString()).contains("INCOMPLETE (the run did not end").contains("jsonl: committed decision seq 1..")
                .contains("sqlite: committed decision seq 1..").doesNotContain("rows missing");
        assertThat(checksums(runDir)).as("verify changed the killed run's files").isEqualTo(before);
        assertThat(manifest(runDir).get("verdict")).isNull();
    }

    /** Every file under the directory with its sha-256 (the set of files included). */
    private static Map<String, String> checksums(Path root) throws Exception {
        Map<String, String> out = new TreeMap<>();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile).forEach(files::add);
        }
        for (Path f : files) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            out.put(root.relativize(f).toString(), HexFormat.of().formatHex(d.digest(Files.readAllBytes(f))));
        }
        return out;
    }
}
