package io.soak.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.launcher.Launcher;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shell without a run: parsing, completion from live data, help, one-line errors. */
class ShellTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private Shell shell() throws Exception {
        Launcher l = new Launcher(dir, Map.of(), false);
        // give the launcher its streams the way a command line does
        l.execute(new PrintWriter(out), new PrintWriter(err), "version");
        out.getBuffer().setLength(0);
        return new Shell(l, dir.resolve("runs"), dir.resolve("history"), false);
    }

    @Test
    void splitsCommandsAndWordsRespectingQuotes() {
        assertThat(Shell.splitCommands("status; watch 2 ;fault kill 'a;b'")).containsExactly("status", "watch 2", "fault kill 'a;b'");
        assertThat(Shell.words("swap signal \"/tmp/my dir/x.jar\"")).containsExactly("swap", "signal", "/tmp/my dir/x.jar");
    }

    @Test
    void completesCommandsFaultKindsRunIdsAndScenarios() throws Exception {
        Files.createDirectories(dir.resolve("runs/run-a"));
        Files.writeString(dir.resolve("runs/run-a/run_manifest.json"), "{}");
        Files.createDirectories(dir.resolve("runs/not-a-run"));
        Files.createDirectories(dir.resolve("scenarios"));
        Files.writeString(dir.resolve("scenarios/demo.groovy"), "soak { }");
        ShellCompleter c = new ShellCompleter(shell());
        assertThat(c.candidates(List.of(""), 0)).contains("run", "status", "watch", "fault", "swap", "stop", "attach");
        assertThat(c.candidates(List.of("fault", ""), 1)).containsExactly("kill", "crash", "hang", "feed");
        assertThat(c.candidates(List.of("fault", "feed", ""), 2)).containsExactly("drop", "stall", "latency", "gap", "corrupt");
        assertThat(c.candidates(List.of("fault", "kill", ""), 2)).contains("signal", "harvest");
        assertThat(c.candidates(List.of("attach", ""), 1)).containsExactly("run-a");
        assertThat(c.candidates(List.of("run", ""), 1)).contains(dir.resolve("scenarios/demo.groovy").toString());
    }

    @Test
    void helpPerCommandAndOneLineErrors() throws Exception {
        Shell s = shell();
        assertThat(s.runLines(List.of("help swap"))).isZero();
        assertThat(out.toString()).contains("swap <stage> <bundle.jar>").contains("keeps its state");
        assertThat(s.runLines(List.of("fault"))).isEqualTo(Launcher.RUNTIME_FAILURE);
        assertThat(s.runLines(List.of("status"))).isEqualTo(Launcher.RUNTIME_FAILURE);
        assertThat(s.runLines(List.of("bogus"))).isEqualTo(Launcher.INVALID);
        assertThat(err.toString()).contains("error: which fault?; usage: fault kill|crash|hang")
                .contains("error: no run attached").contains("error: unknown command 'bogus'");
        assertThat(err.toString()).doesNotContain("Exception").doesNotContain("\tat ");
    }
}
