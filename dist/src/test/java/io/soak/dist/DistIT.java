package io.soak.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unpacks the built tarball into a temporary directory and runs {@code bin/soak} from it as a user would on
 * a server: the distribution must be complete on its own (no Maven, no reactor paths).
 */
class DistIT {

    @TempDir
    static Path unpacked;

    static Path home;

    /** The class-data archives of this test's bin/soak commands (not the user's cache). */
    static Path cdsCache;

    @BeforeAll
    static void unpack() throws Exception {
        Path tarball = Path.of(System.getProperty("soak.dist.tarball"));
        assertThat(tarball).exists();
        Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", unpacked.toString())
                .redirectErrorStream(true).start();
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).isZero();
        home = unpacked.resolve("soak-" + System.getProperty("soak.dist.version"));
        cdsCache = Files.createDirectories(unpacked.resolve("cds-cache"));
    }

    @Test
    @Timeout(60)
    void tarballHasTheDistributionLayout() throws IOException {
        assertThat(home.resolve("bin/soak")).isExecutable();
        assertThat(home.resolve("hot")).isDirectory();
        assertThat(home.resolve("config/defaults.yaml")).isRegularFile();
        assertThat(home.resolve("config/logback.xml")).isRegularFile();
        assertThat(names(home.resolve("lib"))).anyMatch(n -> n.startsWith("soak-launcher"))
                .anyMatch(n -> n.startsWith("org.apache.felix.framework")).noneMatch(n -> n.startsWith("soak-test-stages"));
        assertThat(names(home.resolve("lib/felix"))).anyMatch(n -> n.startsWith("org.apache.felix.scr"))
                .anyMatch(n -> n.startsWith("org.apache.felix.fileinstall"))
                .anyMatch(n -> n.startsWith("org.osgi.service.component"));
        assertThat(names(home.resolve("bundles"))).anyMatch(n -> n.startsWith("soak-test-stages"));
    }

    @Test
    @Timeout(60)
    void versionCommandPrintsTheRuntimeVersion() throws Exception {
        Result r = soak(home, "version");
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output).contains("soak " + System.getProperty("soak.dist.version")).contains("felix 7.0.5");
    }

    @Test
    @Timeout(180)
    void runsAShippedScenarioFromTheUnpackedTarballAndWritesItsManifest() throws Exception {
        Path scenario = home.resolve("scenarios/engine-smoke.groovy");
        assertThat(scenario).isRegularFile();
        Path work = Files.createDirectories(unpacked.resolve("work"));
        Result r = soakIn(work, home, "run", scenario.toString(), "--run-id", "dist-smoke");
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output).contains("PASS run dist-smoke");
        Path manifest = work.resolve("runs/dist-smoke/run_manifest.json");
        assertThat(manifest).isRegularFile();
        assertThat(Files.readString(manifest)).contains("\"run_id\" : \"dist-smoke\"");
        assertThat(work.resolve("runs/dist-smoke/logs/soak.log")).isRegularFile();
    }

    @Test
    @Timeout(180)
    void sigtermStopsTheRunGracefullyAndStillWritesTheManifest() throws Exception {
        Path scenario = unpacked.resolve("sigterm.groovy");
        try (var in = DistIT.class.getResourceAsStream("/sigterm.groovy")) {
            Files.copy(in, scenario);
        }
        Path work = Files.createDirectories(unpacked.resolve("work-sigterm"));
        Path out = unpacked.resolve("sigterm.out");
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/soak").toString(), "run", scenario.toString(),
                "--run-id", "sigterm").directory(work.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("JAVA_OPTS", "-Dsoak.log.level=INFO");
        pb.environment().put("SOAK_CDS_DIR", cdsCache.toString());
        Process p = pb.start();
        Path log = work.resolve("runs/sigterm/logs/soak.log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        // the engine has started once the run line is printed; give the pipeline events to drain
        while (!Files.readString(out).contains("run sigterm:") && p.isAlive() && System.nanoTime() < deadline) {
            p.waitFor(100, TimeUnit.MILLISECONDS);
        }
        assertThat(Files.readString(out)).contains("run sigterm:");
        p.waitFor(2, TimeUnit.SECONDS); // bounded: let events flow before the stop
        new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor(10, TimeUnit.SECONDS);
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as(Files.readString(out)).isTrue();
        String text = Files.readString(out);
        // a soak stopped before its planned duration is INCOMPLETE (exit 1, the reason printed): the stop is graceful
        // and the evidence is still written, but it is not a PASS (issue 10, case 3)
        assertThat(p.exitValue()).as(text).isEqualTo(1);
        assertThat(text).contains("INCOMPLETE").contains("end reason: signal");
        String manifest = Files.readString(work.resolve("runs/sigterm/run_manifest.json"));
        assertThat(manifest).contains("\"clean\" : true").contains("\"sequence\" : [ \"count\", \"pass4\", \"pass3\", \"pass2\", \"pass1\" ]");
        assertThat(log).isRegularFile();
    }

    @Test
    @Timeout(60)
    void invalidCommandLineExitsTwoWithOneLine() throws Exception {
        Result r = soak(home, "run", "--minutes", "x");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.output.strip().lines()).hasSize(1);
    }

    /**
     * Class-data sharing (DIST.md, "bin/soak"): the first {@code soak run} writes the archive as it exits, the next
     * command keeps it and maps the classes from it; a cut archive is removed, never mapped (the JVM dies of one);
     * a changed jar makes a new archive and removes the old; {@code SOAK_CDS=off} neither reads nor writes one.
     */
    @Test
    @Timeout(600)
    void theFirstRunWritesTheClassDataArchiveAndLaterCommandsMapTheirClassesFromIt() throws Exception {
        Path copy = unpacked.resolve("cds-home");
        copyTree(home, copy); // this test touches a jar: its own installation
        Path cache = Files.createDirectories(unpacked.resolve("cds-own-cache"));
        Path work = Files.createDirectories(unpacked.resolve("work-cds"));
        Path scenario = copy.resolve("scenarios/engine-smoke.groovy");
        Map<String, String> env = Map.of("SOAK_CDS_DIR", cache.toString());

        Result first = soakWith(env, work, copy, "run", scenario.toString(), "--run-id", "cds-1");
        assertThat(first.exit).as(first.output).isZero();
        assertThat(first.output).contains("class-data archive writing").doesNotContain("[warning]").doesNotContain("[info]");
        assertThat(startupOf(work, "cds-1")).contains("\"class_data_archive\" : \"writing\"");
        assertThat(names(cache)).hasSize(3).anyMatch(n -> n.endsWith(".part")).anyMatch(n -> n.endsWith(".part.ok"))
                .anyMatch(n -> n.endsWith(".part.log"));

        Path classes = unpacked.resolve("cds-classes.log");
        Result version = soakWith(Map.of("SOAK_CDS_DIR", cache.toString(), "JAVA_OPTS", "-Xlog:class+load:file=" + classes),
                unpacked, copy, "version");
        assertThat(version.exit).as(version.output).isZero();
        assertThat(version.output.strip().lines()).hasSize(3);
        List<String> kept = names(cache);
        assertThat(kept).hasSize(1).allMatch(n -> n.matches("soak-\\d+-\\d+\\.\\d+\\.jsa"));
        Path archive = cache.resolve(kept.get(0));
        assertThat(archive.getFileName().toString()).endsWith("." + Files.size(archive) + ".jsa");
        assertThat(Files.readString(classes)).contains("io.soak.launcher.Main source: shared objects file (top)");

        Result second = soakWith(env, work, copy, "run", scenario.toString(), "--run-id", "cds-2");
        assertThat(second.exit).as(second.output).isZero();
        assertThat(second.output).contains("class-data archive used");
        assertThat(startupOf(work, "cds-2")).contains("\"class_data_archive\" : \"used\"");

        // cut (a copy broken off): removed before the JVM could map it, and the next run writes another
        archive.toFile().setWritable(true);
        try (var ch = java.nio.channels.FileChannel.open(archive, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(archive) / 2);
        }
        Result cut = soakWith(env, unpacked, copy, "version");
        assertThat(cut.exit).as(cut.output).isZero();
        assertThat(cut.output).doesNotContain("fatal error");
        assertThat(names(cache)).isEmpty();
        Result third = soakWith(env, work, copy, "run", scenario.toString(), "--run-id", "cds-3");
        assertThat(third.exit).as(third.output).isZero();
        assertThat(third.output).contains("class-data archive writing");
        assertThat(soakWith(env, unpacked, copy, "version").exit).isZero();
        assertThat(names(cache)).hasSize(1).allMatch(n -> n.endsWith(".jsa"));
        String written = names(cache).get(0);

        // another build of a jar: the archive of the old one goes, the next run writes one for the new
        Path jar = copy.resolve("lib").resolve(names(copy.resolve("lib")).stream().filter(n -> n.startsWith("soak-api"))
                .findFirst().orElseThrow());
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        Result changed = soakWith(env, work, copy, "run", scenario.toString(), "--run-id", "cds-4");
        assertThat(changed.exit).as(changed.output).isZero();
        assertThat(changed.output).contains("class-data archive writing");
        assertThat(soakWith(env, unpacked, copy, "version").exit).isZero();
        assertThat(names(cache)).hasSize(1).allMatch(n -> n.endsWith(".jsa")).doesNotContain(written);

        // a run that failed before its first event leaves nothing to keep
        Path bad = Files.writeString(unpacked.resolve("cds-bad.groovy"), "soak { name 'x'; duration 1.minutes; nonsense 1 }\n");
        Path other = Files.createDirectories(unpacked.resolve("cds-other-cache"));
        Result failed = soakWith(Map.of("SOAK_CDS_DIR", other.toString()), work, copy, "run", bad.toString());
        assertThat(failed.exit).as(failed.output).isNotZero();
        assertThat(soakWith(Map.of("SOAK_CDS_DIR", other.toString()), unpacked, copy, "version").exit).isZero();
        assertThat(names(other)).isEmpty();

        // switched off: no archive written or read
        Path off = Files.createDirectories(unpacked.resolve("cds-off-cache"));
        Result none = soakWith(Map.of("SOAK_CDS_DIR", off.toString(), "SOAK_CDS", "off"), work, copy, "run",
                scenario.toString(), "--run-id", "cds-off");
        assertThat(none.exit).as(none.output).isZero();
        assertThat(none.output).contains("class-data archive off");
        assertThat(names(off)).isEmpty();
    }

    private static String startupOf(Path work, String runId) throws IOException {
        String manifest = Files.readString(work.resolve("runs").resolve(runId).resolve("run_manifest.json"));
        return manifest.substring(manifest.indexOf("\"startup\""));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result soak(Path home, String... args) throws Exception {
        return soakIn(unpacked, home, args);
    }

    private static Result soakIn(Path cwd, Path home, String... args) throws Exception {
        return soakWith(Map.of("SOAK_CDS_DIR", cdsCache.toString()), cwd, home, args);
    }

    private static Result soakWith(Map<String, String> env, Path cwd, Path home, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("bin/soak").toString());
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(unpacked, "soak-", ".out");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("JAVA_OPTS", "-Dsoak.log.level=WARN");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(150, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bin/soak " + String.join(" ", args) + " did not finish:\n" + Files.readString(log));
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
