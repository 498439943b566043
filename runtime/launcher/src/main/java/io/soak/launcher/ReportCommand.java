package io.soak.launcher;

import io.soak.engine.Json;
import io.soak.evidence.ReportFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code soak report <run_dir>}: regenerates report.html and the Markdown reports of a run from its artifacts
 * (run_manifest.json, timeline.jsonl, the per-sink summaries). Needs no OSGi host.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Regenerate a run's report.html and Markdown reports from its artifacts.")
final class ReportCommand implements Callable<Integer> {

    @ParentCommand
    SoakCommand root;

    @Parameters(paramLabel = "<run_dir>", description = "A run directory (runs/<run_id>).")
    Path runDirectory;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = root.launcher.out();
        if (!Files.isRegularFile(runDirectory.resolve("run_manifest.json"))) {
            throw new UserException(Launcher.INVALID, "not a run directory (no run_manifest.json): " + runDirectory);
        }
        List<Path> files;
        try {
            files = ReportFiles.regenerate(runDirectory, Json.canonical());
        } catch (IOException e) {
            throw new UserException(Launcher.RUNTIME_FAILURE, "cannot regenerate the reports of " + runDirectory + ": " + e.getMessage(), e);
        }
        files.forEach(f -> out.println("wrote " + f));
        out.flush();
        return Launcher.PASS;
    }
}
