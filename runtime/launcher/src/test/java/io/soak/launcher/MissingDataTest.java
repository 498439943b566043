package io.soak.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code soak run} and {@code soak bench} of a scenario whose {@code data(...)} file is missing: exit 2 before
 * anything starts (no run directory), one line naming the file and the places searched for the data directory.
 */
@Timeout(60)
class MissingDataTest {

    private static final String SCRIPT = """
            soak {
              name 'needs-data'
              mode 'replay'
              pace 'max'
              duration 1.minutes
              source { type 'capture'; files data('binance-usdm/btcusdt_20240808.gz'); symbols 'BTCUSDT' }
              stages 'harvest'
              sink 'none'
            }
            """;

    @TempDir
    Path home;

    private String old;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void pointTheDataDirectoryAtAnEmptyOne() throws Exception {
        old = System.getProperty("soak.shared.data");
        Files.createDirectories(home.resolve("empty-data"));
        System.setProperty("soak.shared.data", home.resolve("empty-data").toString());
        Files.writeString(home.resolve("needs-data.groovy"), SCRIPT);
    }

    @AfterEach
    void restore() {
        if (old == null) {
            System.clearProperty("soak.shared.data");
        } else {
            System.setProperty("soak.shared.data", old);
        }
    }

    private int soak(String... args) {
        return new Launcher(home, Map.of(), false).execute(new PrintWriter(out), new PrintWriter(err), args);
    }

    @Test
    void runRefusesAMissingDataFileBeforeStartingAndNamesTheFileAndThePlacesSearched() {
        Path runs = home.resolve("runs");
        int code = soak("run", home.resolve("needs-data.groovy").toString(), "--runs-dir", runs.toString(),
                "--run-id", "r1");

        assertThat(code).as("%s%s", out, err).isEqualTo(2);
        String line = err.toString().strip();
        assertThat(line.lines()).hasSize(1);
        assertThat(line).contains("recorded data not found: "
                + home.resolve("empty-data").resolve("binance-usdm").resolve("btcusdt_20240808.gz"))
                .contains("searched -Dsoak.shared.data=" + home.resolve("empty-data"))
                .contains("SOAK_DATA");
        assertThat(runs.resolve("r1")).as("nothing started").doesNotExist();
    }

    @Test
    void benchRefusesItLikewise() {
        int code = soak("bench", "--scenario", home.resolve("needs-data.groovy").toString(), "--runs-dir",
                home.resolve("runs").toString());

        assertThat(code).as("%s%s", out, err).isEqualTo(2);
        String line = err.toString().strip();
        assertThat(line.lines()).hasSize(1);
        assertThat(line).contains("recorded data not found: ").contains("btcusdt_20240808.gz")
                .contains("searched -Dsoak.shared.data=");
    }
}
