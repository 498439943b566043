package io.soak.evidence;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code soak report <run_dir>}: regenerates a run's report.html and its Markdown reports (the four
 * verification reports from the manifest, the per-sink summaries' Markdown from their JSON) from the
 * artifacts alone. Returns the files written.
 */
public final class ReportFiles {

    private ReportFiles() {
    }

    public static List<Path> regenerate(Path runDir, ObjectMapper json) throws IOException {
        Path manifestFile = runDir.resolve("run_manifest.json");
        if (!Files.isRegularFile(manifestFile)) {
            throw new IOException("not a run directory (no run_manifest.json): " + runDir);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> manifest = json.readValue(manifestFile.toFile(), Map.class);
        java.time.ZoneId zone = EvidenceExtension.zone(Tree.get(manifest, "plan.report_time_zone"));
        List<Path> out = new ArrayList<>();
        Path reports = runDir.resolve("reports");
        Reports.writeAll(reports, manifest, zone, json);
        Reports.FILES.forEach(f -> out.add(reports.resolve(f)));
        for (String sink : List.of("jsonl", "sqlite")) {
            Path doc = reports.resolve("summary_" + sink + ".json");
            if (Files.isRegularFile(doc)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> d = json.readValue(doc.toFile(), Map.class);
                Path md = reports.resolve("summary_" + sink + ".md");
                Summaries.atomic(md, Summaries.markdown(d, zone, json));
                out.add(md);
            }
        }
        out.add(HtmlReport.write(runDir, manifest, json));
        return out;
    }
}
