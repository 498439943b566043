package io.soak.launcher;

import io.soak.evidence.ClusterMerge;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code soak merge <node_run_dir>... [--runs-dir runs]}: the run's manifest and verdict from its cluster nodes'
 * run directories (docs/scale-out.md); exit 0 the merged verdict passed, 1 it failed, 2 bad input.
 * {@code soak verify runs/<run_id>} then recomputes it from the merged evidence.
 */
@Command(name = "merge", mixinStandardHelpOptions = true, description = "Merge the run directories of a cluster run's "
        + "nodes into runs/<run_id> with the run's manifest and verdict (exit 0 PASS, 1 FAIL, 2 bad input).")
final class MergeCommand implements Callable<Integer> {

    @ParentCommand
    SoakCommand root;

    @Parameters(arity = "1..*", paramLabel = "<node_run_dir>", description = "Each node's run directory (<runs>/<run_id>).")
    List<Path> nodes;

    @Option(names = "--runs-dir", paramLabel = "<dir>", defaultValue = "runs",
            description = "Where the merged run directory goes (default runs).")
    Path runsDir;

    @Override
    public Integer call() throws Exception {
        RunLog.verbose(root.verbose);
        PrintWriter out = root.launcher.out();
        ClusterMerge.Result r;
        try {
            r = ClusterMerge.merge(nodes, runsDir);
        } catch (IllegalArgumentException e) {
            throw new UserException(Launcher.INVALID, e.getMessage());
        }
        for (String l : r.lines()) {
            out.println(l);
        }
        for (String f : r.failures()) {
            out.println("FAIL " + f);
        }
        out.println((r.passed() ? "PASS" : "FAIL") + ": merged " + nodes.size() + " node(s) into " + r.directory());
        out.flush();
        return r.passed() ? 0 : 1;
    }
}
