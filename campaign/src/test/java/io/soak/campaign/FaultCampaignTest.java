package io.soak.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.plan.Fault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seeded fault campaign ({@link FaultCampaign}) over the real pipeline. CI runs {@code campaign.seeds} seeds
 * (default 100) from seed {@code campaign.first} (default 1); one seed alone: {@code -Dcampaign.seed=S}. The commands:
 * <pre>
 * mvn -B -ntp -o -q -pl campaign -am test -Dtest=FaultCampaignTest -Dsurefire.failIfNoSpecifiedTests=false
 * mvn -B -ntp -o -q -pl campaign -am test -Dtest=FaultCampaignTest -Dsurefire.failIfNoSpecifiedTests=false -Dcampaign.seeds=1000
 * mvn -B -ntp -o -q -pl campaign -am test -Dtest=FaultCampaignTest -Dsurefire.failIfNoSpecifiedTests=false -Dcampaign.seed=7
 * </pre>
 * The other tests show that each check can fail: a seed's sinks or manifest are damaged after the run, and the
 * campaign's check names what broke.
 */
class FaultCampaignTest {

    static final String RERUN = "mvn -B -ntp -o -q -pl campaign -am test -Dtest=FaultCampaignTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dcampaign.seed=";

    @TempDir
    static Path shared;

    /** One clean seed, damaged in turn by the tests below (each on its own copy). */
    static FaultCampaign.Result clean;

    @BeforeAll
    static void oneCleanSeed() throws Exception {
        clean = FaultCampaign.run(3, Files.createDirectories(shared.resolve("clean")));
    }

    @Test
    void everySeedKeepsEveryRowOnceInBothSinksAndObeysTheRestartPolicy(@TempDir Path dir) throws Exception {
        String one = System.getProperty("campaign.seed", "");
        int n = Integer.getInteger("campaign.seeds", 100);
        long first = one.isBlank() ? Long.getLong("campaign.first", 1) : Long.parseLong(one.strip());
        int count = one.isBlank() ? n : 1;
        long t0 = System.nanoTime();
        List<String> failed = new ArrayList<>();
        Map<String, Integer> faults = new TreeMap<>();
        Map<String, Long> feed = new TreeMap<>();
        long rows = 0;
        long raw = 0;
        int reads = 0;
        for (long seed = first; seed < first + count; seed++) {
            Path root = Files.createDirectories(dir.resolve("seed-" + seed));
            FaultCampaign.Result r = FaultCampaign.run(seed, root);
            r.applied().forEach((k, v) -> faults.merge(k, v, Integer::sum));
            Object ff = FaultCampaign.at(r.manifest(), "harvester_metrics.feed_faults");
            if (ff instanceof Map<?, ?> fm) {
                fm.forEach((k, v) -> feed.merge(String.valueOf(k), ((Number) v).longValue(), Long::sum));
            }
            rows += r.rows();
            raw += FaultCampaign.num(r.manifest(), "bus.topics.raw.published");
            reads += r.manifestReads();
            if (!r.ok()) {
                String line = "seed " + seed + " FAILED (rerun alone: " + RERUN + seed + "): faults " + r.faults()
                        + " -> " + r.problems();
                System.out.println(line);
                failed.add(line);
            } else {
                deleteTree(root); // the disk stays small over 1000 seeds
            }
            if ((seed - first + 1) % 100 == 0) {
                System.out.printf("fault campaign: %d seeds done, %d failed, %.1f s%n", seed - first + 1, failed.size(),
                        (System.nanoTime() - t0) / 1e9);
            }
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        int total = faults.entrySet().stream().filter(e -> !e.getKey().startsWith("verdict"))
                .mapToInt(Map.Entry::getValue).sum();
        System.out.printf("fault campaign: %d seeds from %d, %d passed, %d failed in %.1f s wall; %d faults %s; "
                        + "feed effects %s; %d raw messages, %d sink rows checked (both sinks); %d manifest rewrites parsed%n",
                count, first, count - failed.size(), failed.size(), wall, total, faults, feed, raw, rows, reads);
        assertThat(failed).as("failing seeds").isEmpty();
        if (count >= 100) {
            for (String k : Fault.KINDS) {
                assertThat(faults.keySet()).as("kinds drawn and applied").contains(k);
            }
        }
    }

    @Test
    void theCleanSeedPasses() {
        assertThat(clean.problems()).isEmpty();
        assertThat(clean.rows()).isPositive();
        assertThat(FaultCampaign.num(clean.manifest(), "bus.topics.decision.published")).isPositive();
    }

    @Test
    void aLostSqliteRowIsFound() throws Exception {
        Path run = copyOfCleanRun("lost");
        sql(run, "DELETE FROM signals WHERE topic = 'decision' AND seq = 5");
        assertThat(check(run)).anyMatch(p -> p.equals("sink sqlite topic decision: 1 of "
                + FaultCampaign.num(clean.manifest(), "bus.topics.decision.published") + " rows lost"))
                .anyMatch(p -> p.startsWith("parity: sinks jsonl and sqlite differ on 1 rows of topic decision"));
    }

    /**
     * A run written before one JSONL file per topic and hour (one directory per symbol, docs/evidence.md §2) is
     * still checked: clean as it is, and a line removed from a symbol's file is still a lost row.
     */
    @Test
    void aRunInTheOldPerSymbolJsonlLayoutIsCheckedAlike() throws Exception {
        Path run = copyOfCleanRun("old-layout");
        toOldLayout(run);
        Path file;
        try (Stream<Path> s = Files.walk(run.resolve("signals").resolve("decision"))) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
            assertThat(files).isNotEmpty().allMatch(p -> !p.getParent().getFileName().toString().equals("decision"));
            file = files.get(0);
        }
        assertThat(check(run)).isEmpty();
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.remove(0);
        Files.write(file, lines);
        assertThat(check(run)).anyMatch(p -> p.startsWith("sink jsonl topic decision: 1 of ") && p.endsWith(" rows lost"));
    }

    /** Moves a run's JSONL files into the per-symbol layout of runs written before 2026-12-06. */
    private static void toOldLayout(Path run) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<Path> files;
        try (Stream<Path> s = Files.walk(run.resolve("signals"), 2)) {
            files = s.filter(p -> p.toString().endsWith(".jsonl")).toList();
        }
        for (Path f : files) {
            String name = f.getFileName().toString();
            String hour = name.substring(0, name.length() - ".jsonl".length()).replace('T', '-');
            Map<String, List<String>> bySymbol = new TreeMap<>();
            for (String line : Files.readAllLines(f)) {
                String symbol = json.readTree(line).path("symbol").asText("");
                bySymbol.computeIfAbsent(symbol.isEmpty() ? "_" : symbol, k -> new ArrayList<>()).add(line);
            }
            for (Map.Entry<String, List<String>> e : bySymbol.entrySet()) {
                Path to = f.getParent().resolve(e.getKey()).resolve(hour + ".jsonl");
                Files.createDirectories(to.getParent());
                Files.write(to, e.getValue());
            }
            Files.delete(f);
        }
    }

    @Test
    void aDuplicatedJsonlRowIsFound() throws Exception {
        Path run = copyOfCleanRun("dup");
        Path file;
        try (Stream<Path> s = Files.walk(run.resolve("signals").resolve("decision"))) {
            file = s.filter(p -> p.toString().endsWith(".jsonl")).findFirst().orElseThrow();
        }
        String firstLine = Files.readAllLines(file).get(0);
        Files.writeString(file, firstLine + "\n", StandardOpenOption.APPEND);
        assertThat(check(run)).anyMatch(p -> p.startsWith("sink jsonl topic decision seq ") && p.endsWith(" duplicated"));
    }

    @Test
    void aRowThatDiffersBetweenTheSinksBreaksParity() throws Exception {
        Path run = copyOfCleanRun("parity");
        sql(run, "UPDATE signals SET json = replace(json, '\"symbol\"', '\"symbol_x\"') WHERE topic = 'decision' AND seq = 1");
        assertThat(check(run)).contains("parity: sinks jsonl and sqlite differ on 1 rows of topic decision");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aBrokenBrokerInvariantARestartOffPolicyAndAStageThatMissedEventsAreFound() throws Exception {
        Map<String, Object> m = deepCopy(clean.manifest());
        ((Map<String, Object>) m.get("broker")).put("invariants_ok", false);
        Map<String, Object> signal = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) m.get("status"))
                .get("processes")).get("signal");
        signal.put("handled", ((Number) signal.get("handled")).longValue() - 1);
        List<Map<String, Object>> restarts = new ArrayList<>();
        restarts.add(new HashMap<>(Map.of("n", 1, "cause", "kill", "backoff_ms", 2000, "recovered_at", "x")));
        signal.put("restarts", restarts);
        List<String> problems = new ArrayList<>();
        FaultCampaign.check(m, clean.runDirectory(), FaultCampaign.registry(), problems);
        assertThat(problems).anyMatch(p -> p.startsWith("broker invariants"))
                .anyMatch(p -> p.startsWith("stage signal handled "))
                .contains("signal: restart 1 (kill) waited 2000 ms, policy says 500");
    }

    @Test
    void aManifestRewriteThatIsNotJsonIsFound() throws Exception {
        Path f = shared.resolve("torn.json");
        Files.writeString(f, "{\"run_id\":\"x\",\"status\":{");
        FaultCampaign.Watch w = new FaultCampaign.Watch();
        w.read(f);
        assertThat(w.problems).singleElement().asString().startsWith("run_manifest.json not valid JSON at a rewrite");
    }

    private static List<String> check(Path run) throws Exception {
        List<String> problems = new ArrayList<>();
        FaultCampaign.check(clean.manifest(), run, FaultCampaign.registry(), problems);
        return problems;
    }

    private static Path copyOfCleanRun(String name) throws Exception {
        Path to = shared.resolve("copy-" + name);
        try (Stream<Path> s = Files.walk(clean.runDirectory())) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(clean.runDirectory().relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return to;
    }

    private static void sql(Path run, String statement) throws Exception {
        Path db = run.resolve(io.soak.api.run.RunDirectory.SQLITE);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            assertThat(st.executeUpdate(statement)).isEqualTo(1);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepCopy(Map<String, Object> m) throws Exception {
        return FaultCampaign.JSON.readValue(FaultCampaign.JSON.writeValueAsString(m), Map.class);
    }

    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
