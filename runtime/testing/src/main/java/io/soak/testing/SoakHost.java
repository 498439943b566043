package io.soak.testing;

import io.soak.api.plan.ScenarioPlan;
import io.soak.api.stage.Settings;
import io.soak.engine.EngineOptions;
import io.soak.engine.Registry;
import io.soak.engine.RunExtension;
import io.soak.engine.SoakRun;
import io.soak.launcher.FelixHost;
import io.soak.launcher.HostConfig;
import io.soak.launcher.HostException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;

/**
 * JUnit 5 extension that boots the real embedded Felix host ({@link FelixHost}, the one {@code soak run}
 * uses) in a temporary directory from a directory of built bundle jars, waits for the factories a test
 * needs, and on a test failure attaches the host's diagnostics (bundles not active, unsatisfied DS
 * references) to the failure. Register it in a static field for one host per class, or in an instance field
 * for one host per test:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final SoakHost HOST = SoakHost.builder().bundles("soak-test-stages").awaitStages("pass").build();
 * }</pre>
 *
 * The bundle directory is the dist layout ({@code bundles/}, {@code lib/felix/}) under the system property
 * {@code soak.test.home} (itests sets it to {@code target/soak-home}). Felix and OSGi types stay here and in
 * the launcher: tests use the bundle helpers by symbolic name.
 */
public final class SoakHost implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback,
        TestExecutionExceptionHandler {

    /** System property naming the directory with {@code bundles/} and {@code lib/felix/}. */
    public static final String HOME_PROPERTY = "soak.test.home";

    private final Path home;
    private final List<String> bundlePrefixes;
    private final Map<String, Set<String>> required;
    private final Duration awaitTimeout;
    private final Duration hotPoll;
    private Path dir;
    private FelixHost host;
    private boolean perTest;

    private SoakHost(Builder b) {
        this.home = b.home;
        this.bundlePrefixes = List.copyOf(b.prefixes);
        this.required = b.required;
        this.awaitTimeout = b.awaitTimeout;
        this.hotPoll = b.hotPoll;
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---- lifecycle -------------------------------------------------------------------------------------------

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (host == null) {
            perTest = true;
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            stop();
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        if (host != null) {
            List<String> why = host.diagnostics();
            String text = "soak host: bundles " + host.bundleStates()
                    + (why.isEmpty() ? "; no unsatisfied components" : "\n  " + String.join("\n  ", why));
            failure.addSuppressed(new HostDiagnostics(text));
        }
        throw failure;
    }

    /** Starts the host by hand (for use outside JUnit's lifecycle, for example in a benchmark main). */
    public SoakHost start() throws IOException, HostException, InterruptedException {
        dir = Files.createTempDirectory("soak-host-");
        List<Path> bundles = new ArrayList<>();
        for (Path jar : HostConfig.jars(home.resolve("bundles"))) {
            String name = jar.getFileName().toString();
            if (bundlePrefixes.isEmpty() || bundlePrefixes.stream().anyMatch(name::startsWith)) {
                bundles.add(jar);
            }
        }
        HostConfig config = new HostConfig(HostConfig.infrastructureJars(home.resolve("lib").resolve("felix")), bundles,
                dir.resolve("hot"), dir.resolve("felix-cache"), hotPoll, Map.of());
        host = FelixHost.start(config);
        if (!required.isEmpty()) {
            Map<String, Set<String>> missing = host.awaitFactories(required, awaitTimeout);
            if (!missing.isEmpty()) {
                String text = "factories missing after " + awaitTimeout.toSeconds() + " s: " + missing + "\n  "
                        + String.join("\n  ", host.diagnostics());
                stop();
                throw new AssertionError(text);
            }
        }
        Files.createDirectories(runsDir());
        return this;
    }

    /** Stops the framework and deletes the temporary directory. */
    public void stop() {
        if (host != null) {
            host.close();
            host = null;
        }
        if (dir != null) {
            try {
                deleteTree(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            dir = null;
        }
    }

    // ---- what tests use --------------------------------------------------------------------------------------

    /** The host (registry, diagnostics, versions). */
    public FelixHost host() {
        return requireStarted();
    }

    public Registry registry() {
        return requireStarted().registry();
    }

    /** The directory FileInstall watches for this host. */
    public Path hotDir() {
        return dir.resolve("hot");
    }

    /** A {@code runs/} directory for this host's runs. */
    public Path runsDir() {
        return dir.resolve("runs");
    }

    /** The bundle jars the host was built from: the one whose file name starts with {@code prefix}. */
    public Path bundleJar(String prefix) {
        try {
            return HostConfig.jars(home.resolve("bundles")).stream()
                    .filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new AssertionError("no bundle jar " + prefix + "* in " + home.resolve("bundles")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A run of {@code plan} in this host, wired like {@code soak run} wires it (versions, stage revival). */
    public SoakRun newRun(ScenarioPlan plan) {
        return newRun(plan, Settings.empty(), null, List.of());
    }

    public SoakRun newRun(ScenarioPlan plan, Settings defaults, String runId, List<RunExtension> extensions) {
        Map<String, String> versions = new TreeMap<>(host().bundleVersions());
        versions.put("runtime", "test");
        return new SoakRun(plan, registry(), extensions,
                new EngineOptions(runsDir(), defaults, versions, runId, host().revival()));
    }

    /** Waits for factories ({@link Registry} category → keys); fails with the host's diagnostics on timeout. */
    public void awaitFactories(Map<String, Set<String>> factories, Duration timeout) throws InterruptedException {
        Map<String, Set<String>> missing = host().awaitFactories(factories, timeout);
        if (!missing.isEmpty()) {
            throw new AssertionError("factories missing after " + timeout.toSeconds() + " s: " + missing + "\n  "
                    + String.join("\n  ", host().diagnostics()));
        }
    }

    public void awaitStage(String kind, Duration timeout) throws InterruptedException {
        awaitFactories(Map.of(Registry.STAGE, Set.of(kind)), timeout);
    }

    /** The OSGi state of a bundle ({@code ACTIVE}, {@code RESOLVED}, ...), or {@code ABSENT}. */
    public String bundleState(String symbolicName) {
        return host().bundleStates().getOrDefault(symbolicName, "ABSENT");
    }

    /** Stops a bundle from outside the run, as an operator (or a crash of its activator) would. */
    public void stopBundle(String symbolicName) throws BundleException {
        bundle(symbolicName).stop();
    }

    public void startBundle(String symbolicName) throws BundleException {
        bundle(symbolicName).start();
    }

    /** When the framework last installed or updated the bundle, ms since epoch. */
    public long bundleLastModified(String symbolicName) {
        return bundle(symbolicName).getLastModified();
    }

    /** A manifest header of the installed bundle (as the framework sees it now). */
    public String bundleHeader(String symbolicName, String header) {
        return bundle(symbolicName).getHeaders().get(header);
    }

    /** The symbolic name of the bundle providing a stage kind now. */
    public String stageBundle(String kind) {
        return host().stageBundle(kind).map(Bundle::getSymbolicName)
                .orElseThrow(() -> new AssertionError("no bundle provides stage '" + kind + "'"));
    }

    /** Drops a jar into {@code hot/} atomically (written beside it first), as an operator's hot swap. */
    public Path dropIntoHot(Path jar) throws IOException {
        Path staging = dir.resolve("staging");
        Files.createDirectories(staging);
        Path tmp = staging.resolve(jar.getFileName());
        Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
        return Files.move(tmp, hotDir().resolve(jar.getFileName()), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private Bundle bundle(String symbolicName) {
        return host().bundle(symbolicName)
                .orElseThrow(() -> new AssertionError("no bundle " + symbolicName + "; installed: " + host().bundleStates().keySet()));
    }

    private FelixHost requireStarted() {
        if (host == null) {
            throw new IllegalStateException("the soak host is not started");
        }
        return host;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The host's state at a test failure, attached to it as a suppressed exception. */
    static final class HostDiagnostics extends Exception {
        private static final long serialVersionUID = 1L;

        HostDiagnostics(String text) {
            super(text, null, false, false);
        }
    }

    /** How to boot the host. */
    public static final class Builder {
        private Path home = Path.of(System.getProperty(HOME_PROPERTY, "target/soak-home"));
        private final List<String> prefixes = new ArrayList<>();
        private final Map<String, Set<String>> required = new LinkedHashMap<>();
        private Duration awaitTimeout = Duration.ofSeconds(30);
        private Duration hotPoll = Duration.ofMillis(200);

        /** The directory with {@code bundles/} and {@code lib/felix/} (default: system property {@value #HOME_PROPERTY}). */
        public Builder home(Path dir) {
            this.home = dir;
            return this;
        }

        /** Installs only the bundle jars whose file name starts with one of these (default: all). */
        public Builder bundles(String... fileNamePrefixes) {
            prefixes.addAll(Arrays.asList(fileNamePrefixes));
            return this;
        }

        public Builder awaitStages(String... kinds) {
            return await(Registry.STAGE, kinds);
        }

        /** Waits at start for factories of a {@link Registry} category. */
        public Builder await(String category, String... keys) {
            required.computeIfAbsent(category, c -> new TreeSet<>()).addAll(Arrays.asList(keys));
            return this;
        }

        public Builder awaitTimeout(Duration timeout) {
            this.awaitTimeout = timeout;
            return this;
        }

        /** FileInstall's poll interval on {@code hot/} (default 200 ms, so hot-swap tests stay short). */
        public Builder hotPoll(Duration poll) {
            this.hotPoll = poll;
            return this;
        }

        public SoakHost build() {
            return new SoakHost(this);
        }
    }
}
