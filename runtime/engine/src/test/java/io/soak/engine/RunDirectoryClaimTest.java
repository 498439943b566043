package io.soak.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.soak.api.run.RunDirectory;
import io.soak.api.run.RunId;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One run, one directory: refused when it exists, replaced only when asked, locked across processes. */
@Timeout(60)
class RunDirectoryClaimTest {

    @TempDir
    Path runs;

    @Test
    void refusesAnExistingDirectoryUnlessAskedToReplaceIt() throws Exception {
        RunDirectory dir = RunDirectory.of(runs, RunId.of("r1"));
        try (RunDirectoryClaim c = RunDirectoryClaim.claim(dir, false)) {
            Files.writeString(dir.manifest(), "{}");
        }
        assertThatThrownBy(() -> RunDirectoryClaim.checkAvailable(dir, false))
                .isInstanceOf(RunDirectoryClaim.RefusedException.class).hasMessageContaining("already exists");
        assertThatThrownBy(() -> RunDirectoryClaim.claim(dir, false))
                .isInstanceOf(RunDirectoryClaim.RefusedException.class).hasMessageContaining("--replace");
        assertThat(dir.manifest()).exists();
        try (RunDirectoryClaim c = RunDirectoryClaim.claim(dir, true)) {
            assertThat(c.held()).isTrue();
            assertThat(dir.manifest()).as("replacing empties the old run").doesNotExist();
            assertThat(dir.lockFile()).exists();
        }
    }

    @Test
    void aSecondRunInTheSameJvmCannotUseAHeldDirectoryEvenWhenReplacing() throws Exception {
        RunDirectory dir = RunDirectory.of(runs, RunId.of("r2"));
        try (RunDirectoryClaim c = RunDirectoryClaim.claim(dir, false)) {
            assertThatThrownBy(() -> RunDirectoryClaim.claim(dir, true))
                    .isInstanceOf(RunDirectoryClaim.RefusedException.class).hasMessageContaining("in use by another run");
        }
    }

    @Test
    void anotherProcessHoldingTheDirectoryIsRefusedWithItsPid() throws Exception {
        RunDirectory dir = RunDirectory.of(runs, RunId.of("r3"));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), dir.root().toString())
                .redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(r.readLine()).isEqualTo("held");
            assertThatThrownBy(() -> RunDirectoryClaim.claim(dir, true))
                    .isInstanceOf(RunDirectoryClaim.RefusedException.class)
                    .hasMessageContaining("in use by another run (pid " + p.pid());
        } finally {
            p.getOutputStream().close();
            p.waitFor(20, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
        // the holder is gone: its lock went with it
        try (RunDirectoryClaim c = RunDirectoryClaim.claim(dir, true)) {
            assertThat(c.held()).isTrue();
        }
    }

    @Test
    void runIdsAreValidatedAndGeneratedInOneFormat() {
        assertThat(RunId.generate("acceptance 60m").value()).matches("acceptance-60m-\\d{8}T\\d{6}Z-[0-9a-f]{4}");
        assertThatThrownBy(() -> RunId.of("../etc")).hasMessageContaining("run id must be");
        assertThatThrownBy(() -> RunId.of("")).hasMessageContaining("run id must be");
    }

    /** Claims a run directory in a separate process and holds it until its stdin closes. */
    public static final class LockHolder {
        public static void main(String[] args) throws Exception {
            try (RunDirectoryClaim c = RunDirectoryClaim.claim(new RunDirectory(Path.of(args[0])), false)) {
                System.out.println("held");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // wait for the parent to close our stdin
                }
            }
        }
    }
}
