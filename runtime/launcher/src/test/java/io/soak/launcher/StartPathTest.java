package io.soak.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start path (docs/benchmarks.md, "Start to first event"): what a command loads before it does its work.
 * Each case runs {@code Main} in a JVM of its own, since this test JVM has long loaded everything.
 */
class StartPathTest {

    @TempDir
    Path tmp;

    /** The classes a fresh JVM loads to run {@code soak <args>}, from {@code -Xlog:class+load}. */
    private List<String> classesLoadedBy(String... args) throws Exception {
        Path log = tmp.resolve("classes.log");
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load:file=" + log, "-Dsoak.home=" + tmp, "-Dsoak.dsl.cache_dir=" + tmp.resolve("cache"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("soak %s ended", String.join(" ", args)).isTrue();
        return Files.readAllLines(log, StandardCharsets.UTF_8);
    }

    @Test
    void aCommandThatLoadsNoScenarioDoesNotStartTheGroovyRuntime() throws Exception {
        List<String> loaded = classesLoadedBy("version");
        assertThat(Files.readString(tmp.resolve("out.txt"))).contains("felix");
        assertThat(loaded).as("picocli's DefaultFactory initializes groovy.lang.Closure, and with it Groovy's metaclass registry")
                .noneMatch(l -> l.contains("org.codehaus.groovy.runtime.metaclass.MetaClassRegistryImpl "))
                .noneMatch(l -> l.contains("groovy.lang.GroovySystem "));
    }

    @Test
    void aBadConfigurationIsStillTheErrorReportedWhenTheScenarioIsBadToo() throws IOException {
        Files.writeString(tmp.resolve("bad.yaml"), "engine:\n  drain_timeout_ms: [not a number\n");
        Files.writeString(tmp.resolve("bad.groovy"), "soak {\n  name 'x'\n  nonsense 1\n}\n");
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = new Launcher(tmp, java.util.Map.of(), false).execute(new java.io.PrintWriter(out), new java.io.PrintWriter(err),
                "run", tmp.resolve("bad.groovy").toString(), "--config", tmp.resolve("bad.yaml").toString(),
                "--runs-dir", tmp.resolve("runs").toString());
        assertThat(code).isEqualTo(Launcher.INVALID);
        assertThat(err.toString()).contains("bad.yaml").doesNotContain("bad.groovy");
    }
}
