package io.soak.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.soak.api.stage.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultsTest {

    @TempDir
    Path dir;

    @Test
    void flattensNestedSectionsToDottedKeys() throws Exception {
        Path yaml = dir.resolve("d.yaml");
        Files.writeString(yaml, "signal:\n  z:\n    window: 300\n  ofi:\n    weights: [0.4, 0.25]\nharvest:\n  symbols: [BTCUSDT]\nalerts: {}\n");
        Settings s = Defaults.load(yaml);
        assertThat(s.integer("signal.z.window", 0)).isEqualTo(300);
        assertThat(s.list("harvest.symbols", List.of())).containsExactly("BTCUSDT");
        assertThat(s.scope("signal").values()).containsKeys("z.window", "ofi.weights");
        assertThat(s.values()).doesNotContainKey("alerts");
    }

    @Test
    void projectDefaultsLoadWithEverySection() throws Exception {
        Settings s = Defaults.load(Path.of("../../config/defaults.yaml"));
        assertThat(s.integer("signal.z.window", 0)).isEqualTo(300);
        assertThat(s.decimal("signal.thresholds.active.buy", 0)).isEqualTo(0.5);
        assertThat(s.list("harvest.symbols", List.of())).hasSize(6);
    }

    @Test
    void missingFileIsAnInvalidInput() {
        assertThatThrownBy(() -> Defaults.load(dir.resolve("none.yaml")))
                .isInstanceOf(UserException.class).hasMessageContaining("config file not found")
                .extracting(e -> ((UserException) e).exitCode()).isEqualTo(2);
    }

    @Test
    void aScalarDocumentIsRejectedWithItsPath() throws Exception {
        Path yaml = dir.resolve("scalar.yaml");
        Files.writeString(yaml, "just text\n");
        assertThatThrownBy(() -> Defaults.load(yaml)).hasMessageContaining("must be a mapping");
    }
}
