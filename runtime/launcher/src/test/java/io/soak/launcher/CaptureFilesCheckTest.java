package io.soak.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11 item 6: an empty, plain-text or unreadable capture is exit 2 before the run, naming the file. */
@Timeout(60)
class CaptureFilesCheckTest {

    @TempDir
    Path home;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int soak(String... args) {
        return new Launcher(home, Map.of(), false).execute(new PrintWriter(out), new PrintWriter(err), args);
    }

    private Path scenario(Path capture) throws Exception {
        Path s = home.resolve("replay.groovy");
        Files.writeString(s, """
                soak {
                  name 'replay'
                  mode 'replay'
                  pace 'max'
                  duration 1.minutes
                  source { type 'capture'; files '%s' }
                  stages 'harvest'
                  sink 'none'
                  timeseries { type 'none' }
                }
                """.formatted(capture.toString().replace("\\\\", "/")));
        return s;
    }

    @Test
    void runAndValidateRefuseAnEmptyAPlainTextAndAnUnreadableCaptureNamingTheFile() throws Exception {
        Path empty = Files.write(home.resolve("btcusdt_empty.gz"), new byte[0]);
        Path text = Files.writeString(home.resolve("btcusdt_notes.gz"), "just some notes\n");
        Path binary = Files.write(home.resolve("btcusdt_binary.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 9, 9, 9, 9});
        for (Path p : new Path[] {empty, text, binary}) {
            Path s = scenario(p);
            StringWriter e = new StringWriter();
            int code = new Launcher(home, Map.of(), false).execute(new PrintWriter(out), new PrintWriter(e), "run",
                    s.toString(), "--runs-dir", home.resolve("runs").toString());
            assertThat(code).as(p.toString()).isEqualTo(2);
            assertThat(e.toString().strip()).as(p.toString()).contains(p.getFileName().toString()).doesNotContain("\n")
                    .doesNotContain("Exception");
            assertThat(home.resolve("runs")).doesNotExist();
            StringWriter v = new StringWriter();
            assertThat(new Launcher(home, Map.of(), false).execute(new PrintWriter(out), new PrintWriter(v), "validate",
                    s.toString())).isEqualTo(2);
            assertThat(v.toString()).contains(p.getFileName().toString());
        }
    }
}
