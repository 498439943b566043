package io.soak.evidence;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.plan.Criterion;
import io.soak.api.sink.SinkFactory;
import io.soak.engine.Json;
import io.soak.api.run.RunDirectory;
import io.soak.engine.internal.Baseline;
import io.soak.engine.internal.EvidenceConsistency;
import io.soak.engine.internal.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code soak verify <run_dir>}: recomputes, from the artifacts alone (the sinks' files read back through
 * the factories the caller gives, run_manifest.json and the plan inside it), the parity, the minute totals
 * and the verdict, and says whether they match what the manifest recorded. A corrupted or removed row shows
 * as a seq gap, a content difference or a hash mismatch, with the topic and seq to look at.
 */
public final class Verifier {

    /** The answer, with the exit code {@code soak verify} returns. */
    public enum Outcome {
        MATCH(0), MISMATCH(1), INCOMPLETE(1), BAD_DIRECTORY(2);

        public final int exitCode;

        Outcome(int exitCode) {
            this.exitCode = exitCode;
        }
    }

    /**
     * @param checks     what was compared and agreed (one line each)
     * @param mismatches what disagrees, one line each, naming the manifest path or the topic and seq
     */
    public record Verification(Outcome outcome, Path runDirectory, List<String> checks, List<String> mismatches) {

        public int exitCode() {
            return outcome.exitCode;
        }

        /** What {@code soak verify} prints. */
        public String text() {
            StringBuilder sb = new StringBuilder();
            sb.append("verify ").append(runDirectory).append(": ").append(switch (outcome) {
                case MATCH -> "MATCH (the artifacts agree with run_manifest.json)";
                case MISMATCH -> "MISMATCH (" + mismatches.size() + " finding(s))";
                case INCOMPLETE -> "INCOMPLETE (the run did not end: no final manifest; what was committed up to the"
                        + " last durable point follows" + (mismatches.isEmpty() ? ")" : "; " + mismatches.size() + " finding(s))");
                case BAD_DIRECTORY -> "cannot verify";
            }).append('\n');
            mismatches.forEach(m -> sb.append("  ✗ ").append(m).append('\n'));
            checks.forEach(c -> sb.append("  ✓ ").append(c).append('\n'));
            return sb.toString();
        }
    }

    private static final List<String> PARITY_KEYS = List.of("status", "exact_match", "total_diff_pct", "confirm_diff_pct",
            "strong_ratio_diff_pct", "differences", "rows", "content_hash", "missing_rows", "duplicate_rows",
            "first_difference");

    private Verifier() {
    }

    /**
     * @param sinks the sink factory of a type (the host's, from the running framework); empty when unknown
     */
    public static Verification verify(Path runDirectory, Function<String, Optional<SinkFactory>> sinks) {
        ObjectMapper json = Json.canonical();
        List<String> checks = new ArrayList<>();
        List<String> mismatches = new ArrayList<>();
        RunDirectory layout = new RunDirectory(runDirectory);
        Path manifestFile = layout.manifest();
        if (!Files.isDirectory(runDirectory)) {
            return bad(runDirectory, runDirectory + " is not a directory");
        }
        if (!Files.isRegularFile(manifestFile)) {
            return bad(runDirectory, "no run_manifest.json in " + runDirectory + ": not a run directory");
        }
        Map<String, Object> manifest;
        try {
            manifest = json.readValue(manifestFile.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (IOException e) {
            return bad(runDirectory, "run_manifest.json is not valid JSON: " + e.getMessage());
        }
        List<String> planned = Tree.sinks(Tree.list(manifest, "plan.sinks"));
        Map<String, SinkFactory> factories = new LinkedHashMap<>();
        for (String type : planned) {
            Optional<SinkFactory> f = sinks.apply(type);
            if (f.isEmpty()) {
                return bad(runDirectory, "no sink factory of type '" + type + "' is installed: cannot read that sink back");
            }
            factories.put(type, f.get());
        }
        String runId = String.valueOf(manifest.get("run_id"));
        if (manifest.get("verdict") == null) { // only the final manifest carries the verdict
            return incomplete(layout, manifest, factories, planned, json);
        }
        Evidence e;
        try {
            e = Evidence.compute(runId, runDirectory, factories, planned, manifest,
                    EvidenceExtension.zone(Tree.get(manifest, "plan.report_time_zone")), json);
        } catch (Exception ex) {
            mismatches.add("the sinks cannot be read back: " + ex.getMessage());
            return new Verification(Outcome.MISMATCH, runDirectory, checks, mismatches);
        }

        // 1. the rows themselves: gaps, duplicates, unreadable rows, first differing rows
        for (SinkSide s : e.parity().sides()) {
            s.gaps.forEach(g -> mismatches.add(s.sink + ": rows missing, topic " + g.get("topic") + " seq "
                    + g.get("from_seq") + (g.get("from_seq").equals(g.get("to_seq")) ? "" : ".." + g.get("to_seq"))));
            s.duplicates.forEach(d -> mismatches.add(s.sink + ": duplicated row, topic " + d.get("topic") + " seq " + d.get("seq")));
            if (s.unreadable > 0) {
                mismatches.add(s.sink + ": " + s.unreadable + " unreadable row(s)");
            }
            if (s.gaps.isEmpty() && s.duplicates.isEmpty() && s.unreadable == 0) {
                checks.add(s.sink + ": " + s.rows + " rows, no seq missing or duplicated");
            }
        }
        for (Map<String, Object> d : e.parity().firstDifferences()) {
            mismatches.add("sinks differ at topic " + d.get("topic") + " seq " + d.get("seq") + " (" + d.get("kind") + ")");
        }

        // 2. parity as recorded in the manifest
        Map<String, Object> recomputed = normalise(json, e.paritySection());
        Map<String, Object> recorded = Tree.map(manifest, "parity");
        if (recorded.isEmpty()) {
            mismatches.add("parity: the manifest has no parity section");
        } else {
            int before = mismatches.size();
            for (String k : PARITY_KEYS) {
                if (recorded.containsKey(k) || recomputed.containsKey(k)) {
                    Object a = recorded.get(k);
                    Object b = recomputed.get(k);
                    if (!Objects.equals(a, b)) {
                        mismatches.add("parity." + k + ": manifest " + show(a) + ", recomputed " + show(b));
                    }
                }
            }
            if (mismatches.size() == before) {
                checks.add("parity recomputed from the sinks equals the manifest (" + recomputed.get("status")
                        + ", exact_match " + recomputed.get("exact_match") + ")");
            }
        }

        // 3. minute totals of the report stage vs the rows
        Map<String, Object> minutes = Tree.map(manifest, "minutes");
        if (!minutes.isEmpty() && !e.parity().sides().isEmpty() && minutes.get("total") instanceof Number n) {
            SinkSide first = e.parity().sides().get(0);
            long late = minutes.get("late_events") instanceof Number l ? l.longValue() : 0;
            if (n.longValue() == first.confirmed()) {
                checks.add("minutes.total " + n + " equals the confirmed decisions in " + first.sink);
            } else if (late > 0) {
                checks.add("minutes.total " + n + " vs " + first.confirmed() + " confirmed rows in " + first.sink
                        + ": the report stage counted " + late + " late event(s) outside any minute");
            } else {
                mismatches.add("minutes.total: manifest " + n + ", recomputed from " + first.sink + " " + first.confirmed());
            }
        }

        // 4. the verdict, re-evaluated with the recomputed parity
        List<Criterion> criteria = criteria(manifest);
        Map<String, Object> tree = new LinkedHashMap<>(manifest);
        tree.put("parity", recomputed);
        Verdict.Result again = Baseline.evaluate(criteria, tree);
        Object recordedPassed = Tree.get(manifest, "verdict.passed");
        Map<String, Object> recordedByName = new LinkedHashMap<>();
        Tree.list(manifest, "verdict.criteria").forEach(c -> recordedByName.put(String.valueOf(Tree.get(c, "name")), c));
        int before = mismatches.size();
        for (Map<String, Object> c : normaliseList(json, again.criteria())) {
            Object r = recordedByName.get(String.valueOf(c.get("name")));
            if (r == null) {
                mismatches.add("verdict: criterion " + c.get("name") + " is not in the manifest's verdict");
            } else if (!Objects.equals(Tree.get(r, "passed"), c.get("passed"))
                    || !Objects.equals(Tree.get(r, "observed"), c.get("observed"))) {
                mismatches.add("verdict: criterion " + c.get("name") + " (" + c.get("path") + "): manifest "
                        + show(Tree.get(r, "observed")) + " passed=" + Tree.get(r, "passed") + ", recomputed "
                        + show(c.get("observed")) + " passed=" + c.get("passed"));
            }
        }
        if (!Objects.equals(recordedPassed, again.passed())) {
            mismatches.add("verdict.passed: manifest " + recordedPassed + ", recomputed " + again.passed());
        }
        if (mismatches.size() == before) {
            checks.add("verdict recomputed: passed=" + again.passed() + " over " + again.criteria().size()
                    + " criteria (baseline included), as recorded");
        }

        // 5. the evidence files written at the end of the run
        Path diff = layout.parityDiff();
        if (Files.isRegularFile(diff)) {
            try {
                Map<String, Object> d = json.readValue(diff.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { });
                if (Objects.equals(d.get("exact_match"), recomputed.get("exact_match"))
                        && Objects.equals(d.get("content_hash"), recomputed.get("content_hash"))) {
                    checks.add("parity_diff.json agrees");
                } else {
                    mismatches.add("parity_diff.json: exact_match/content_hash differ from the recomputed ones");
                }
            } catch (IOException ex) {
                mismatches.add("parity_diff.json is not valid JSON: " + ex.getMessage());
            }
        } else {
            mismatches.add("parity_diff.json is missing");
        }
        for (Map.Entry<String, Map<String, Object>> s : e.summaries().entrySet()) {
            Path f = EvidenceExtension.reports(runDirectory).resolve("summary_" + s.getKey() + ".json");
            if (!Files.isRegularFile(f)) {
                mismatches.add("reports/summary_" + s.getKey() + ".json is missing");
                continue;
            }
            try {
                Map<String, Object> d = json.readValue(f.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { });
                Object want = normalise(json, s.getValue()).get("totals");
                if (Objects.equals(d.get("totals"), want)) {
                    checks.add("reports/summary_" + s.getKey() + ".json totals agree");
                } else {
                    mismatches.add("reports/summary_" + s.getKey() + ".json: totals differ from the recomputed ones");
                }
            } catch (IOException ex) {
                mismatches.add("reports/summary_" + s.getKey() + ".json is not valid JSON: " + ex.getMessage());
            }
        }
        // 6. every figure that appears in two artifacts is the same figure
        Map<String, Object> consistency = EvidenceConsistency.check(layout, manifest);
        for (Object c : (List<?>) consistency.get("contradictions")) {
            mismatches.add("evidence contradicts itself: " + c);
        }
        if (((List<?>) consistency.get("contradictions")).isEmpty()) {
            checks.add("evidence self-consistent (" + ((List<?>) consistency.get("checked")).size()
                    + " figures that appear in two artifacts agree)");
        }
        return new Verification(mismatches.isEmpty() ? Outcome.MATCH : Outcome.MISMATCH, runDirectory, checks, mismatches);
    }

    /**
     * A run that did not end (killed, or still running): no verdict to recompute. Reports, per sink, what was
     * committed up to the last durable point (the JSONL watermark; every row in SQLite is committed), and only
     * what is wrong below it: rows above the watermark were never acknowledged and are not "missing".
     */
    private static Verification incomplete(RunDirectory layout, Map<String, Object> manifest,
                                           Map<String, SinkFactory> factories, List<String> planned, ObjectMapper json) {
        List<String> checks = new ArrayList<>();
        List<String> findings = new ArrayList<>();
        checks.add("last manifest refresh: " + Tree.get(manifest, "duration_s") + " s of "
                + Tree.get(manifest, "baseline.completion.planned_s") + " s planned (phase "
                + Tree.get(manifest, "status.phase") + "); no verdict was reached");
        Parity.Result parity;
        try {
            parity = Parity.compute(layout.root(), factories, json);
        } catch (Exception ex) {
            findings.add("the sinks cannot be read back: " + ex.getMessage());
            return new Verification(Outcome.INCOMPLETE, layout.root(), checks, findings);
        }
        Map<String, Long> watermark = new java.util.TreeMap<>();
        Path committed = layout.jsonlWatermark();
        if (Files.isRegularFile(committed)) {
            try {
                Map<String, Object> w = json.readValue(committed.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { });
                w.forEach((k, v) -> {
                    if (v instanceof Number n) {
                        watermark.put(k, n.longValue());
                    }
                });
            } catch (IOException ex) {
                findings.add(RunDirectory.SIGNALS + "/" + RunDirectory.JSONL_WATERMARK + " is not valid JSON: " + ex.getMessage());
            }
        }
        for (SinkSide s : parity.sides()) {
            boolean jsonl = s.sink.equals("jsonl");
            Map<String, Long> last = s.lastSeqByTopic();
            StringBuilder line = new StringBuilder(s.sink + ": committed ");
            if (last.isEmpty()) {
                line.append("no rows");
            }
            long beyond = 0;
            for (Map.Entry<String, Long> t : last.entrySet()) {
                long durable = jsonl ? watermark.getOrDefault(t.getKey(), 0L) : t.getValue();
                line.append(t.getKey()).append(" seq 1..").append(durable).append(' ');
                if (jsonl && t.getValue() > durable) {
                    beyond += t.getValue() - durable;
                }
            }
            if (beyond > 0) {
                line.append("(up to ").append(beyond).append(" row(s) above the watermark were written but never committed:"
                        + " not counted as missing)");
            }
            checks.add(line.toString().strip());
            for (Map<String, Object> g : s.gaps) {
                long from = ((Number) g.get("from_seq")).longValue();
                long durable = jsonl ? watermark.getOrDefault(String.valueOf(g.get("topic")), 0L) : Long.MAX_VALUE;
                if (from <= durable) {
                    findings.add(s.sink + ": committed rows missing, topic " + g.get("topic") + " seq " + from
                            + (g.get("from_seq").equals(g.get("to_seq")) ? "" : ".." + g.get("to_seq")));
                }
            }
            s.duplicates.forEach(d -> findings.add(s.sink + ": duplicated row, topic " + d.get("topic") + " seq " + d.get("seq")));
            if (s.unreadable > 0) {
                findings.add(s.sink + ": " + s.unreadable + " unreadable row(s)");
            }
        }
        return new Verification(Outcome.INCOMPLETE, layout.root(), checks, findings);
    }

    private static Verification bad(Path dir, String why) {
        return new Verification(Outcome.BAD_DIRECTORY, dir, List.of(), List.of(why));
    }

    /** The plan's expectations as written into the manifest. */
    static List<Criterion> criteria(Map<String, Object> manifest) {
        List<Criterion> out = new ArrayList<>();
        boolean node = manifest.get("cluster") instanceof Map<?, ?> c && !Boolean.TRUE.equals(c.get("merged"));
        for (Object o : Tree.list(manifest, "plan.expectations")) {
            if (node && !Baseline.WAIVE_OP.equals(String.valueOf(Tree.get(o, "op")))) {
                continue; // one cluster node: its baseline (and waivers); the scenario's criteria are the merged run's
            }
            out.add(new Criterion(String.valueOf(Tree.get(o, "name")), String.valueOf(Tree.get(o, "path")),
                    String.valueOf(Tree.get(o, "op")), Tree.get(o, "expected"),
                    Tree.get(o, "description") == null ? "" : String.valueOf(Tree.get(o, "description"))));
        }
        return out;
    }

    /** A value as it reads back from JSON (so numbers and maps compare like the manifest's). */
    static Map<String, Object> normalise(ObjectMapper json, Map<String, Object> value) {
        try {
            return json.readValue(json.writeValueAsString(value), new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Map<String, Object>> normaliseList(ObjectMapper json, List<Map<String, Object>> value) {
        try {
            return json.readValue(json.writeValueAsString(value), new TypeReference<List<Map<String, Object>>>() { });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String show(Object o) {
        return o instanceof String s ? "'" + s + "'" : String.valueOf(o);
    }
}
