package io.soak.engine.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.run.RunDirectory;
import io.soak.engine.Json;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Evidence self-consistency: every figure that appears in two artifacts must be the same figure. Compares, for
 * what exists in the run directory, {@code parity_diff.json} with the manifest's {@code parity} section and each
 * per-sink summary's copies of manifest sections ({@code runtime_state.timeseries_export}, {@code alerts}) with
 * the manifest's own, every leaf (the evidence extension refreshes its copies after the time-series run summary
 * is pushed, so no part is exempt). Read-only. Used by the engine (baseline criterion {@code evidence_consistent}) and by
 * {@code soak verify}.
 */
public final class EvidenceConsistency {

    private static final ObjectMapper JSON = Json.canonical();
    private static final List<String> PARITY_FIGURES = List.of("exact_match", "content_hash", "differences");
    private static final List<String> COPIED_SECTIONS = List.of("timeseries_export", "alerts");
    private EvidenceConsistency() {
    }

    /** {@code {checked: [...], contradictions: [...], contradiction_count: n}} for the baseline section. */
    public static Map<String, Object> check(RunDirectory dir, Map<String, Object> manifest) {
        List<String> checked = new ArrayList<>();
        List<String> contradictions = new ArrayList<>();
        Map<String, Object> normal = normalise(manifest);
        Path diff = dir.parityDiff();
        if (Files.isRegularFile(diff) && normal.get("parity") instanceof Map<?, ?> parity) {
            Map<String, Object> d = read(diff, contradictions);
            if (d != null) {
                for (String k : PARITY_FIGURES) {
                    if (d.containsKey(k) && parity.containsKey(k)) {
                        compare(RunDirectory.PARITY_DIFF + " " + k, d.get(k), "manifest parity." + k, parity.get(k),
                                checked, contradictions);
                    }
                }
            }
        }
        Path reports = dir.reports();
        if (Files.isDirectory(reports)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(reports, "summary_*.json")) {
                for (Path f : ds) {
                    Map<String, Object> summary = read(f, contradictions);
                    if (summary == null || !(summary.get("runtime_state") instanceof Map<?, ?> rs)) {
                        continue;
                    }
                    for (String section : COPIED_SECTIONS) {
                        if (rs.get(section) instanceof Map<?, ?> copy && normal.get(section) instanceof Map<?, ?> own) {
                            leaves(RunDirectory.REPORTS + "/" + f.getFileName() + " runtime_state." + section,
                                    "manifest " + section, section, copy, own, checked, contradictions);
                        }
                    }
                }
            } catch (IOException e) {
                contradictions.add("reports/ cannot be listed: " + e.getMessage());
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("checked", checked);
        out.put("contradictions", contradictions);
        out.put("contradiction_count", contradictions.size());
        return out;
    }

    /** Every scalar in {@code copy} that the original also has must be equal (lists and maps compared whole). */
    private static void leaves(String where, String whereOwn, String rel, Map<?, ?> copy, Map<?, ?> own,
                               List<String> checked, List<String> contradictions) {
        for (Map.Entry<?, ?> e : copy.entrySet()) {
            String k = String.valueOf(e.getKey());
            if (!own.containsKey(k)) {
                continue;
            }
            Object a = e.getValue();
            Object b = own.get(k);
            if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
                leaves(where + "." + k, whereOwn + "." + k, rel + "." + k, ma, mb, checked, contradictions);
            } else {
                compare(where + "." + k, a, whereOwn + "." + k, b, checked, contradictions);
            }
        }
    }

    private static void compare(String a, Object va, String b, Object vb, List<String> checked, List<String> contradictions) {
        if (same(va, vb)) {
            checked.add(a);
        } else {
            contradictions.add(a + " says " + show(va) + " but " + b + " says " + show(vb));
        }
    }

    private static boolean same(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue()) == 0;
        }
        return Objects.equals(a, b);
    }

    private static String show(Object o) {
        String s = o instanceof String t ? "'" + t + "'" : String.valueOf(o);
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }

    private static Map<String, Object> read(Path f, List<String> contradictions) {
        try {
            return JSON.readValue(f.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (IOException e) {
            contradictions.add(f.getFileName() + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
            return null;
        }
    }

    private static Map<String, Object> normalise(Map<String, Object> value) {
        try {
            return JSON.readValue(JSON.writeValueAsBytes(value), new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
