package io.soak.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.soak.dsl.ConfigCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's declarations ({@code META-INF/soak/config.keys} of every module) against the shipped
 * {@code config/defaults.yaml}: a key added to the defaults without a declaration in the module that reads it
 * fails here (and would make {@code soak run} refuse the defaults file).
 */
class ConfigDeclarationsTest {

    static ConfigCatalog repositoryCatalog() throws IOException {
        List<ConfigCatalog.Key> keys = new ArrayList<>();
        for (String dir : List.of("../../bundles", "../../runtime")) {
            try (Stream<Path> s = Files.walk(Path.of(dir), 9)) {
                for (Path p : s.filter(p -> p.endsWith(Path.of("src/main/resources/META-INF/soak/config.keys"))).toList()) {
                    keys.addAll(ConfigCatalog.parse(Files.readString(p), p.toString()));
                }
            }
        }
        return ConfigCatalog.of(keys);
    }

    @Test
    void everyKeyOfTheShippedDefaultsIsDeclaredByTheComponentThatReadsIt() throws Exception {
        Defaults.load(Path.of("../../config/defaults.yaml"), repositoryCatalog());
    }

    @Test
    void aKeyNothingReadsIsRefusedWithFileLineAndTheDeclaredKeysOfItsSection(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("d.yaml");
        Files.writeString(yaml, "sinks:\n  batch_rows: 100\n  default: dual\n");
        assertThatThrownBy(() -> Defaults.load(yaml, repositoryCatalog()))
                .isInstanceOf(UserException.class)
                .hasMessageStartingWith("(" + yaml + ", line 3) unknown key 'sinks.default' (no installed component reads it)")
                .hasMessageContaining("known in sinks: ");
    }

    @Test
    void aMisspeltKeyGetsTheClosestDeclaredKey(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("d.yaml");
        Files.writeString(yaml, "timeseries:\n  options:\n    job: soak\n  requird: true\n");
        assertThatThrownBy(() -> Defaults.load(yaml, repositoryCatalog()))
                .hasMessage("(" + yaml + ", line 4) unknown key 'timeseries.requird' (no installed component reads it); "
                        + "did you mean 'timeseries.required'?");
    }

    @Test
    void theInstallationsCatalogIsReadFromTheBundleJarsAndTheHostClassPath(@TempDir Path home) throws Exception {
        // no bundles: only the host's declarations (engine, export, alerts on this class path)
        ConfigCatalog host = Catalogs.of(home);
        assertThat(host.find("sinks.batch_rows")).isPresent();
        assertThat(host.find("timeseries.options.job")).isPresent();
        assertThat(host.find("alerts.no_signals.threshold")).isPresent();
        assertThat(host.find("signal.z.window")).isEmpty();
    }
}
