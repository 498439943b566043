package io.soak.launcher;

import io.soak.evidence.Verifier;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code soak verify <run_dir>}: recomputes parity, minute totals and the verdict from a run directory's
 * artifacts alone and says whether they match its run_manifest.json (exit 0 match, 1 mismatch, 2 not a
 * verifiable run directory). Boots the host only to get the sink bundles' factories, which know how to read
 * their own files back; the logic is {@link Verifier} in the evidence module.
 */
@Command(name = "verify", mixinStandardHelpOptions = true, description = "Recompute a run's parity, minute totals and verdict from its artifacts "
        + "and compare them with its run_manifest.json (exit 0 match, 1 mismatch, 2 bad directory).")
final class VerifyCommand implements Callable<Integer> {

    @ParentCommand
    SoakCommand root;

    @Parameters(paramLabel = "<run_dir>", description = "A run directory (runs/<run_id>).")
    Path runDirectory;

    @Option(names = "--timeout", paramLabel = "<seconds>", defaultValue = "20",
            description = "How long to wait for the sink bundles to publish their factories (default 20).")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        RunLog.verbose(root.verbose);
        PrintWriter out = root.launcher.out();
        if (!Files.isDirectory(runDirectory) || !Files.isRegularFile(new io.soak.api.run.RunDirectory(runDirectory).manifest())) {
            throw new UserException(Launcher.INVALID, "not a run directory (no run_manifest.json): " + runDirectory);
        }
        Path storage = Files.createTempDirectory("soak-felix-");
        try (FelixHost host = FelixHost.start(HostConfig.fromHome(root.launcher.home(), storage))) {
            // whatever is missing after the wait is reported by the verifier, naming the sink type
            host.awaitFactories(Map.of("sink", Set.of("jsonl", "sqlite")), Duration.ofSeconds(timeoutSeconds));
            Verifier.Verification v = Verifier.verify(runDirectory, type -> host.registry().sink(type));
            out.print(v.text());
            out.flush();
            return v.exitCode();
        }
    }
}
