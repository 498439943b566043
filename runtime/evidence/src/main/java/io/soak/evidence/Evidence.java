package io.soak.evidence;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.sink.SinkFactory;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sink-derived evidence of a run, computed once from the sinks' files: parity, the manifest section,
 * parity_diff.json and the per-sink summaries. Used after a run and by {@link Verifier}.
 */
public final class Evidence {

    private final String runId;
    private final Parity.Result parity;
    private final List<String> planned;
    private final Map<String, Object> paritySection;
    private final Map<String, Object> parityDocument;
    private final Map<String, Map<String, Object>> summaries = new LinkedHashMap<>();
    private final ZoneId zone;

    private Evidence(String runId, Parity.Result parity, List<String> planned, Map<String, Object> manifest, ZoneId zone) {
        this.runId = runId;
        this.parity = parity;
        this.planned = planned;
        this.zone = zone;
        this.paritySection = Parity.section(parity, planned);
        long[] window = Parity.window(parity);
        this.parityDocument = Parity.document(runId, parity, planned);
        for (SinkSide s : parity.sides()) {
            summaries.put(s.sink, Summaries.document(runId, s, window, manifest, zone));
        }
    }

    /** Reads every sink back and computes the evidence. */
    public static Evidence compute(String runId, Path runDirectory, Map<String, SinkFactory> sinks, List<String> planned,
                                   Map<String, Object> manifest, ZoneId zone, ObjectMapper json) throws Exception {
        return new Evidence(runId, Parity.compute(runDirectory, sinks, json), planned, manifest, zone);
    }

    /** Writes parity_diff.json and reports/summary_&lt;sink&gt;.json|md. */
    public void write(Path runDirectory, ObjectMapper json) throws java.io.IOException {
        Summaries.atomic(new io.soak.api.run.RunDirectory(runDirectory).parityDiff(),
                json.writerWithDefaultPrettyPrinter().writeValueAsString(parityDocument) + "\n");
        for (Map.Entry<String, Map<String, Object>> e : summaries.entrySet()) {
            Summaries.write(EvidenceExtension.reports(runDirectory), e.getKey(), e.getValue(), zone, json);
        }
    }

    public Parity.Result parity() {
        return parity;
    }

    public Map<String, Object> paritySection() {
        return paritySection;
    }

    public Map<String, Object> parityDocument() {
        return parityDocument;
    }

    public Map<String, Map<String, Object>> summaries() {
        return summaries;
    }

    public String runId() {
        return runId;
    }

    public List<String> planned() {
        return planned;
    }
}
