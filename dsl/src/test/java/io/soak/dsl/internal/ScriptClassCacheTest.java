package io.soak.dsl.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.soak.api.plan.ScenarioPlan;
import io.soak.dsl.ScenarioException;
import io.soak.dsl.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The on-disk cache of compiled scenario classes: a later load of the same text (in what is, for the loader, a
 * fresh process: {@link ScriptEvaluator#forgetCompiled()}) skips the compiler; a changed text never meets a stale
 * entry; a damaged entry is recompiled; an invalid script is still rejected with its file and line.
 */
class ScriptClassCacheTest {

    @TempDir
    Path tmp;

    private Path cache;

    @BeforeEach
    void on() {
        cache = tmp.resolve("cache");
        ScenarioLoader.useClassCache(cache);
        ScriptEvaluator.forgetCompiled();
    }

    @AfterEach
    void off() {
        ScenarioLoader.useClassCache(null);
        ScriptEvaluator.forgetCompiled();
    }

    private static String script(String name, int minutes) {
        return """
                // a scenario with a closure and a nested block, so more than one class is generated
                def syms = ['btcusdt', 'ethusdt'].collect { it.toUpperCase() }
                soak {
                  name '%s'
                  mode 'replay'
                  pace 'max'
                  duration %d.minutes
                  source { type 'synthetic'; symbols syms[0], syms[1] }
                  stages 'harvest', 'signal'
                  sink 'jsonl'
                  expect { cleanShutdown() }
                }
                """.formatted(name, minutes);
    }

    private static ScenarioPlan load(Path file) {
        return ScenarioLoader.load(file, Map.of());
    }

    private static String classes() {
        return ScenarioLoader.lastTiming().orElseThrow().classes();
    }

    private List<Path> entries() throws Exception {
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(cache)) {
            return s.filter(p -> p.toString().endsWith(".classes")).toList();
        }
    }

    @Test
    void aLaterProcessLoadsTheCompiledClassesFromDisk() throws Exception {
        Path file = Files.writeString(tmp.resolve("demo.groovy"), script("demo", 60));
        ScenarioPlan first = load(file);
        assertThat(classes()).isEqualTo("compiled");
        assertThat(entries()).hasSize(1);
        assertThat(entries().get(0).getParent().getFileName().toString()).startsWith("v1-");
        if (cache.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            // the classes in it are run: nobody else may write there
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(entries().get(0).getParent()))).isEqualTo("rwx------");
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(cache))).isEqualTo("rwx------");
        }

        ScenarioPlan again = load(file); // same JVM: the in-memory class
        assertThat(classes()).isEqualTo("memory");

        ScriptEvaluator.forgetCompiled(); // as a new process
        ScenarioPlan fromDisk = load(file);
        assertThat(classes()).isEqualTo("disk");
        assertThat(fromDisk).isEqualTo(first);
        assertThat(again).isEqualTo(first);
        assertThat(fromDisk.source().symbols()).containsExactly("BTCUSDT", "ETHUSDT");
    }

    @Test
    void aChangedScenarioNeverUsesTheStaleEntry() throws Exception {
        Path file = tmp.resolve("demo.groovy");
        Files.writeString(file, script("demo", 60));
        assertThat(load(file).duration()).isEqualTo(Duration.ofMinutes(60));

        Files.writeString(file, script("demo", 61)); // one character changed
        ScriptEvaluator.forgetCompiled();
        ScenarioPlan changed = load(file);
        assertThat(classes()).isEqualTo("compiled");
        assertThat(changed.duration()).isEqualTo(Duration.ofMinutes(61));
        assertThat(entries()).hasSize(2);

        Files.writeString(file, script("demo", 60)); // back: the first entry is still right for this text
        ScriptEvaluator.forgetCompiled();
        assertThat(load(file).duration()).isEqualTo(Duration.ofMinutes(60));
        assertThat(classes()).isEqualTo("disk");
    }

    @Test
    void theSameTextUnderAnotherFileNameIsAnotherEntry() throws Exception {
        // the file name is compiled into the class (class name, line numbers in errors): it is part of the key
        Path a = Files.writeString(tmp.resolve("a.groovy"), script("same", 5));
        Path b = Files.writeString(tmp.resolve("b.groovy"), script("same", 5));
        load(a);
        ScriptEvaluator.forgetCompiled();
        load(b);
        assertThat(classes()).isEqualTo("compiled");
        assertThat(entries()).hasSize(2);
    }

    @Test
    void aDamagedEntryIsRecompiledAndRewritten() throws Exception {
        Path file = Files.writeString(tmp.resolve("demo.groovy"), script("demo", 60));
        ScenarioPlan first = load(file);
        Path entry = entries().get(0);
        byte[] b = Files.readAllBytes(entry);
        b[b.length / 2] ^= 0x5a;
        Files.write(entry, b);

        ScriptEvaluator.forgetCompiled();
        assertThat(load(file)).isEqualTo(first);
        assertThat(classes()).isEqualTo("compiled");

        ScriptEvaluator.forgetCompiled();
        assertThat(load(file)).isEqualTo(first);
        assertThat(classes()).isEqualTo("disk");

        Files.write(entry, new byte[] {1, 2, 3}); // truncated
        ScriptEvaluator.forgetCompiled();
        assertThat(load(file)).isEqualTo(first);
        assertThat(classes()).isEqualTo("compiled");
    }

    @Test
    void anInvalidScenarioIsRejectedWithFileAndLineEveryTimeAndNotStored() throws Exception {
        Path file = Files.writeString(tmp.resolve("broken.groovy"), """
                soak {
                  name 'broken'
                  duration 5.minutes
                  stages 'harvest'
                  sink 'jsonl' )
                }
                """);
        for (int i = 0; i < 2; i++) {
            ScriptEvaluator.forgetCompiled();
            assertThatThrownBy(() -> load(file))
                    .isInstanceOf(ScenarioException.class)
                    .hasMessageStartingWith("(broken.groovy, line 5)")
                    .satisfies(e -> assertThat(((ScenarioException) e).line()).isEqualTo(5));
        }
        assertThat(entries()).isEmpty();
    }

    @Test
    void aScenarioFromDiskThatFailsWhenEvaluatedStillNamesItsLine() throws Exception {
        Path file = Files.writeString(tmp.resolve("late.groovy"), """
                soak {
                  name 'late'
                  duration 5.minutes
                  mode 'sideways'
                }
                """);
        assertThatThrownBy(() -> load(file)).isInstanceOf(ScenarioException.class)
                .hasMessageContaining("late.groovy, line 4");
        assertThat(entries()).hasSize(1); // it compiles: the classes are kept, the evaluation fails each time
        ScriptEvaluator.forgetCompiled();
        assertThatThrownBy(() -> load(file)).isInstanceOf(ScenarioException.class)
                .hasMessageContaining("late.groovy, line 4")
                .hasMessageContaining("'live' or 'replay'");
    }

    @Test
    void offByDefaultAndWithTheSwitch() throws Exception {
        ScenarioLoader.useClassCache(null);
        Path file = Files.writeString(tmp.resolve("demo.groovy"), script("demo", 60));
        load(file);
        assertThat(entries()).isEmpty();
        String before = System.getProperty("soak.dsl.cache");
        System.setProperty("soak.dsl.cache", "off");
        try {
            ScenarioLoader.useClassCache(cache);
            assertThat(ScenarioLoader.classCacheDirectory()).isNull();
        } finally {
            if (before == null) {
                System.clearProperty("soak.dsl.cache");
            } else {
                System.setProperty("soak.dsl.cache", before);
            }
        }
    }

    @Test
    void anUnwritableCacheDirectoryOnlyMeansNoCache() throws Exception {
        Path blocker = Files.writeString(tmp.resolve("not-a-dir"), "x");
        ScenarioLoader.useClassCache(blocker.resolve("cache"));
        Path file = Files.writeString(tmp.resolve("demo.groovy"), script("demo", 60));
        assertThat(load(file).name()).isEqualTo("demo");
        ScriptEvaluator.forgetCompiled();
        assertThat(load(file).name()).isEqualTo("demo");
        assertThat(classes()).isEqualTo("compiled");
    }
}
