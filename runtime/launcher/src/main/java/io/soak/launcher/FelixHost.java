package io.soak.launcher;

import io.soak.api.export.ExporterFactory;
import io.soak.api.sink.SinkFactory;
import io.soak.api.source.FeedEmulatorFactory;
import io.soak.api.source.FeedSourceFactory;
import io.soak.api.source.ReplayFeedFactory;
import io.soak.api.stage.StageFactory;
import io.soak.engine.Registry;
import io.soak.engine.StageRevival;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.jar.Manifest;
import org.apache.felix.framework.Felix;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded Apache Felix framework every run executes in. It exports the api and the shared libraries
 * (SLF4J, Jackson) from the host class path through the system bundle, installs the infrastructure bundles
 * (SCR, ConfigAdmin, FileInstall watching {@code hot/}) and the application bundles, and mirrors the factory
 * services bundles publish into the engine's {@link Registry}. It is the only place that knows OSGi; the
 * engine only sees the registry, the bundle versions and the {@link StageRevival}.
 */
public final class FelixHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FelixHost.class);

    /** Bundles whose exports the host re-exports to the framework, by Bundle-SymbolicName. */
    private static final List<String> HOST_EXPORTERS = List.of(
            "io.soak.soak-api",
            "slf4j.api",
            "com.fasterxml.jackson.core.jackson-core",
            "com.fasterxml.jackson.core.jackson-databind",
            "com.fasterxml.jackson.core.jackson-annotations");

    private final HostConfig config;
    private final Framework framework;
    private final Registry registry = new Registry();
    private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();
    /** stage kind → id of the bundle that last provided it (for revival). */
    private final Map<String, Long> stageProviders = new ConcurrentHashMap<>();
    /** bundle symbolic name → why it did not start. */
    private final Map<String, String> startFailures = new ConcurrentHashMap<>();
    /**
     * Revival waits a little before starting a stopped bundle: the engine handles factory removals on its own
     * thread after the fact, and a bundle back within microseconds would make it miss that the stage's
     * factory was ever gone (a stage would keep its old instance without a recorded restart).
     */
    private static final long REVIVAL_DELAY_MS = 500;

    private final ScheduledExecutorService revivals = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "soak-bundle-revival");
        t.setDaemon(true);
        return t;
    });
    private final long startedNanos = System.nanoTime();
    private volatile long readyNanos;
    private volatile long readyEpochMillis;

    private FelixHost(HostConfig config, Framework framework) {
        this.config = config;
        this.framework = framework;
    }

    /**
     * Boots the framework: cleans the storage directory, starts the system bundle, the trackers, the
     * infrastructure and then the application bundles. A bundle that does not start is logged and
     * remembered ({@link #diagnostics()}); the host still comes up.
     */
    public static FelixHost start(HostConfig config) throws HostException {
        try {
            deleteTree(config.storageDir());
            Files.createDirectories(config.storageDir());
            if (config.hotDir() != null) {
                Files.createDirectories(config.hotDir());
            }
        } catch (IOException e) {
            throw new HostException("cannot prepare the framework storage " + config.storageDir() + ": " + e.getMessage(), e);
        }
        JulBridge.install();
        Map<String, Object> props = new HashMap<>();
        props.put(Constants.FRAMEWORK_STORAGE, config.storageDir().toAbsolutePath().toString());
        props.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        props.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, systemPackagesExtra());
        props.put("felix.log.logger", new FelixLogBridge());
        props.put("felix.log.level", "2");
        props.put("ds.loglevel", "warn");
        if (config.hotDir() != null) {
            props.put("felix.fileinstall.dir", config.hotDir().toAbsolutePath().toString());
            props.put("felix.fileinstall.poll", String.valueOf(Math.max(50, config.hotPoll().toMillis())));
            props.put("felix.fileinstall.noInitialDelay", "true");
            props.put("felix.fileinstall.bundles.new.start", "true");
            props.put("felix.fileinstall.enableConfigSave", "false");
            props.put("felix.fileinstall.log.level", "2");
            props.put("felix.fileinstall.log.default", "jul");
        } else {
            props.put("felix.fileinstall.dir", config.storageDir().resolve("no-hot").toAbsolutePath().toString());
        }
        props.putAll(config.properties());
        Framework framework = new Felix(props);
        FelixHost host = new FelixHost(config, framework);
        try {
            framework.init();
            framework.start();
            host.openTrackers();
            host.installAndStart(config.infrastructure());
            host.installAndStart(config.bundles());
        } catch (BundleException | RuntimeException e) {
            host.close();
            throw new HostException("cannot start the OSGi framework: " + e.getMessage(), e);
        }
        host.readyNanos = System.nanoTime();
        host.readyEpochMillis = System.currentTimeMillis();
        LOG.info("host started in {} ms: {} bundles", host.startupMillis(), framework.getBundleContext().getBundles().length - 1);
        return host;
    }

    /** Factories published by the bundles, kept current as bundles come and go. */
    public Registry registry() {
        return registry;
    }

    /** Brings back the bundle that provided a stage kind when it was stopped from outside. */
    public StageRevival revival() {
        return new StageRevival() {
            @Override
            public void revive(String stageKind) {
                FelixHost.this.revive(stageKind);
            }

            @Override
            public String install(String stageKind, Path jar) throws Exception {
                return FelixHost.this.install(stageKind, jar);
            }
        };
    }

    /**
     * Installs {@code jar} as the new revision of the bundle that provides stage kind {@code stageKind}
     * ({@link Bundle#update(InputStream)}: the bundle stops, its factories leave the registry, the new code is
     * started and registers its factories). The jar must be the same bundle (Bundle-SymbolicName); returns
     * {@code "<bsn> <old version> -> <new version>"}.
     */
    String install(String stageKind, Path jar) throws Exception {
        Bundle b = stageBundle(stageKind).orElseThrow(() -> new IllegalStateException(
                "no bundle provides stage '" + stageKind + "'"));
        String bsn;
        try (java.util.jar.JarFile jf = new java.util.jar.JarFile(jar.toFile())) {
            Manifest mf = jf.getManifest();
            String name = mf == null ? null : mf.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
            if (name == null) {
                throw new IllegalArgumentException(jar.getFileName() + " is not an OSGi bundle (no Bundle-SymbolicName)");
            }
            bsn = name.split(";")[0].strip();
        }
        if (!bsn.equals(b.getSymbolicName())) {
            throw new IllegalArgumentException(jar.getFileName() + " is bundle " + bsn + ", but stage '" + stageKind
                    + "' comes from " + b.getSymbolicName());
        }
        String old = b.getVersion().toString();
        try (InputStream in = Files.newInputStream(jar)) {
            b.update(in);
        }
        String now = b.getVersion().toString();
        LOG.info("bundle {} updated from {}: {} -> {} (stage '{}')", bsn, jar.getFileName(), old, now, stageKind);
        return bsn + " " + old + " -> " + now;
    }

    /** Milliseconds from {@link #start} to every bundle installed and started. */
    /** When the host was started (wall clock, epoch milliseconds). */
    public long readyEpochMillis() {
        return readyEpochMillis;
    }

    public long startupMillis() {
        return TimeUnit.NANOSECONDS.toMillis(readyNanos - startedNanos);
    }

    /** Bundle symbolic name → version of every installed bundle (the system bundle as {@code org.apache.felix.framework}). */
    public SortedMap<String, String> bundleVersions() {
        SortedMap<String, String> out = new TreeMap<>();
        for (Bundle b : context().getBundles()) {
            if (b.getSymbolicName() != null) {
                out.put(b.getSymbolicName(), b.getVersion().toString());
            }
        }
        return out;
    }

    /** Bundle symbolic name → OSGi state name (ACTIVE, RESOLVED, INSTALLED, ...). */
    public SortedMap<String, String> bundleStates() {
        SortedMap<String, String> out = new TreeMap<>();
        for (Bundle b : context().getBundles()) {
            if (b.getBundleId() != 0 && b.getSymbolicName() != null) {
                out.put(b.getSymbolicName(), stateName(b));
            }
        }
        return out;
    }

    /** The installed bundle with this symbolic name (the newest when several versions are installed). */
    public Optional<Bundle> bundle(String symbolicName) {
        Bundle found = null;
        for (Bundle b : context().getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())
                    && (found == null || b.getVersion().compareTo(found.getVersion()) >= 0)) {
                found = b;
            }
        }
        return Optional.ofNullable(found);
    }

    /** The bundle that provides a stage kind now (or last did). */
    public Optional<Bundle> stageBundle(String kind) {
        Long id = stageProviders.get(kind);
        return id == null ? Optional.empty() : Optional.ofNullable(context().getBundle(id));
    }

    /** The framework's own context (tests, the shell). */
    public BundleContext context() {
        return framework.getBundleContext();
    }

    /**
     * Waits until the registry has every required factory, {@code category → keys} with the categories of
     * {@link Registry}, and returns what is still missing after {@code timeout} (empty when all came).
     */
    public Map<String, Set<String>> awaitFactories(Map<String, Set<String>> required, Duration timeout)
            throws InterruptedException {
        return awaitFactories(required, timeout, false);
    }

    /**
     * As {@link #awaitFactories(Map, Duration)}; with {@code returnWhenSettled}, returns what is missing as soon as
     * the host has settled (every bundle started or failed, the registry quiet for {@value #SETTLE_MS} ms): then
     * nothing installed will provide it, and waiting the timeout would only delay the answer.
     */
    public Map<String, Set<String>> awaitFactories(Map<String, Set<String>> required, Duration timeout,
                                                   boolean returnWhenSettled) throws InterruptedException {
        Object monitor = new Object();
        long[] lastChange = {System.nanoTime()};
        Consumer<Registry.Change> wake = c -> {
            synchronized (monitor) {
                lastChange[0] = System.nanoTime();
                monitor.notifyAll();
            }
        };
        registry.addListener(wake);
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                Map<String, Set<String>> missing = missing(required);
                long left = deadline - System.nanoTime();
                if (missing.isEmpty() || left <= 0) {
                    return missing;
                }
                long quiet;
                synchronized (monitor) {
                    quiet = System.nanoTime() - lastChange[0];
                }
                if (returnWhenSettled && quiet >= TimeUnit.MILLISECONDS.toNanos(SETTLE_MS) && settled()) {
                    return missing;
                }
                synchronized (monitor) {
                    // bounded wait: a change between the check and here is caught on the next round
                    TimeUnit.NANOSECONDS.timedWait(monitor, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
                }
            }
        } finally {
            registry.removeListener(wake);
        }
    }

    /** How long the registry must stay unchanged, all bundles started, before a missing kind is called unknown. */
    static final long SETTLE_MS = 250;

    /** True when no bundle is still starting: each is active, or its start failed (recorded), or it is a fragment. */
    boolean settled() {
        for (Bundle b : context().getBundles()) {
            if (b.getBundleId() == 0 || b.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
                continue;
            }
            if (b.getState() == Bundle.STARTING || b.getState() == Bundle.STOPPING) {
                return false;
            }
            if (b.getState() != Bundle.ACTIVE && !startFailures.containsKey(b.getSymbolicName())) {
                return false;
            }
        }
        // every active bundle with DS components has been processed by SCR (its components are known to it)
        Set<String> seen = new java.util.HashSet<>();
        ComponentDiagnostics.components(context()).forEach(c -> seen.add(c.bundle()));
        for (Bundle b : context().getBundles()) {
            if (b.getBundleId() != 0 && b.getState() == Bundle.ACTIVE && b.getHeaders().get("Service-Component") != null
                    && !seen.contains(b.getSymbolicName())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks the plan's kinds against what the installed bundles provide, as soon as the host has settled
     * (a fraction of a second after it started; never the bundle timeout): an unknown stage, sink, exporter or
     * source kind throws {@link UnknownKindException} listing the installed kinds of its category. Kinds that
     * are only late (a bundle still starting) are waited for up to {@code timeout}, then reported as missing.
     */
    public void requireFactories(Map<String, Set<String>> required, Duration timeout) throws HostException {
        Map<String, Set<String>> missing;
        try {
            missing = awaitFactories(required, timeout, true);
            if (!missing.isEmpty() && settled()) {
                List<String> parts = new ArrayList<>();
                missing.forEach((cat, keys) -> parts.add("unknown " + cat + " " + (keys.size() == 1 ? "kind" : "kinds") + " "
                        + String.join(", ", keys.stream().map(k -> "'" + k + "'").toList()) + "; installed: "
                        + (registry.keys(cat).isEmpty() ? "none" : String.join(", ", registry.keys(cat)))));
                throw new UnknownKindException(String.join("; ", parts));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostException("interrupted while waiting for bundles", e);
        }
        if (!missing.isEmpty()) {
            StringBuilder b = new StringBuilder("missing after ").append(timeout.toSeconds()).append(" s: ");
            List<String> parts = new ArrayList<>();
            missing.forEach((cat, keys) -> parts.add(cat + " " + String.join(", ", keys)));
            b.append(String.join("; ", parts));
            List<String> why = diagnostics();
            if (!why.isEmpty()) {
                b.append(" | ").append(String.join(" | ", why));
            }
            throw new HostException(b.toString());
        }
    }

    /** Why things may be missing: bundles that did not start, DS components not satisfied. One line each. */
    public List<String> diagnostics() {
        List<String> out = new ArrayList<>();
        for (Bundle b : context().getBundles()) {
            if (b.getBundleId() == 0 || b.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
                continue;
            }
            if (b.getState() != Bundle.ACTIVE) {
                String why = startFailures.get(b.getSymbolicName());
                out.add("bundle " + b.getSymbolicName() + " " + b.getVersion() + " is " + stateName(b)
                        + (why == null ? "" : ": " + why));
            }
        }
        out.addAll(ComponentDiagnostics.problems(context()));
        return out;
    }

    /** Every DS component and its state, one line each (for {@code soak bundles}). */
    public List<String> components() {
        return ComponentDiagnostics.components(context()).stream()
                .map(c -> c.name() + " (" + c.bundle() + "): " + c.state()
                        + (c.unsatisfiedReferences().isEmpty() ? "" : " " + c.unsatisfiedReferences()))
                .toList();
    }

    @Override
    public void close() {
        revivals.shutdownNow();
        for (ServiceTracker<?, ?> t : trackers) {
            try {
                t.close();
            } catch (RuntimeException e) {
                LOG.debug("closing a tracker", e);
            }
        }
        try {
            framework.stop();
            framework.waitForStop(30_000);
        } catch (BundleException | RuntimeException e) {
            LOG.warn("the OSGi framework did not stop cleanly: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            deleteTree(config.storageDir());
        } catch (IOException e) {
            LOG.debug("could not delete {}", config.storageDir(), e);
        }
    }

    private void openTrackers() {
        track(StageFactory.class, (ref, f) -> {
            stageProviders.put(f.kind(), ref.getBundle().getBundleId());
            registry.addStage(f);
        }, (ref, f) -> registry.removeStage(f));
        track(SinkFactory.class, (ref, f) -> registry.addSink(f), (ref, f) -> registry.removeSink(f));
        track(ExporterFactory.class, (ref, f) -> registry.addExporter(f), (ref, f) -> registry.removeExporter(f));
        track(FeedSourceFactory.class, (ref, f) -> registry.addFeed(f), (ref, f) -> registry.removeFeed(f));
        track(ReplayFeedFactory.class, (ref, f) -> registry.addReplay(f), (ref, f) -> registry.removeReplay(f));
        track(FeedEmulatorFactory.class, (ref, f) -> registry.addEmulator(f), (ref, f) -> registry.removeEmulator(f));
    }

    private <T> void track(Class<T> type, java.util.function.BiConsumer<ServiceReference<T>, T> added,
                           java.util.function.BiConsumer<ServiceReference<T>, T> removed) {
        BundleContext ctx = context();
        ServiceTracker<T, T> tracker = new ServiceTracker<>(ctx, type, new ServiceTrackerCustomizer<T, T>() {
            @Override
            public T addingService(ServiceReference<T> reference) {
                T service = ctx.getService(reference);
                if (service == null) {
                    return null;
                }
                try {
                    added.accept(reference, service);
                } catch (RuntimeException e) {
                    LOG.warn("ignoring a {} from {}: {}", type.getSimpleName(), reference.getBundle().getSymbolicName(),
                            e.toString());
                    ctx.ungetService(reference);
                    return null;
                }
                LOG.debug("{} added from {}", type.getSimpleName(), reference.getBundle().getSymbolicName());
                return service;
            }

            @Override
            public void modifiedService(ServiceReference<T> reference, T service) {
                // properties only: the factory object is the same
            }

            @Override
            public void removedService(ServiceReference<T> reference, T service) {
                try {
                    removed.accept(reference, service);
                } finally {
                    ctx.ungetService(reference);
                }
            }
        });
        tracker.open();
        trackers.add(tracker);
    }

    private void installAndStart(List<Path> jars) throws BundleException {
        List<Bundle> installed = new ArrayList<>();
        for (Path jar : jars) {
            try {
                installed.add(context().installBundle(jar.toAbsolutePath().toUri().toString()));
            } catch (BundleException e) {
                // a broken jar must not take the others down; it is reported by diagnostics()
                LOG.warn("cannot install {}: {}", jar.getFileName(), e.getMessage());
                startFailures.put(jar.getFileName().toString(), e.getMessage());
            }
        }
        for (Bundle b : installed) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
                continue;
            }
            try {
                b.start();
            } catch (BundleException e) {
                LOG.warn("bundle {} did not start: {}", b.getSymbolicName(), oneLine(e));
                startFailures.put(b.getSymbolicName(), oneLine(e));
            }
        }
    }

    private void revive(String stageKind) {
        revivals.schedule(() -> {
            Optional<Bundle> bundle = stageBundle(stageKind);
            if (bundle.isEmpty()) {
                LOG.warn("no bundle known for stage '{}': cannot revive it", stageKind);
                return;
            }
            Bundle b = bundle.get();
            int state = b.getState();
            if (state == Bundle.RESOLVED || state == Bundle.INSTALLED) {
                try {
                    LOG.info("starting bundle {} again: it provides stage '{}' and was stopped", b.getSymbolicName(), stageKind);
                    b.start();
                } catch (BundleException | IllegalStateException e) {
                    LOG.warn("cannot start bundle {} again: {}", b.getSymbolicName(), oneLine(e));
                }
            }
        }, REVIVAL_DELAY_MS, TimeUnit.MILLISECONDS);
    }

    private Map<String, Set<String>> missing(Map<String, Set<String>> required) {
        Map<String, Set<String>> missing = new LinkedHashMap<>();
        required.forEach((category, keys) -> {
            Set<String> have = registry.keys(category);
            for (String k : keys) {
                if (!have.contains(k)) {
                    missing.computeIfAbsent(category, c -> new java.util.TreeSet<>()).add(k);
                }
            }
        });
        return missing;
    }

    /**
     * The Export-Package headers of the host-side jars the bundles share (api, SLF4J, Jackson), read from their
     * manifests so the exported packages and versions always match what is on the class path.
     */
    static String systemPackagesExtra() {
        Map<String, String> byBsn = new LinkedHashMap<>();
        try {
            Enumeration<URL> manifests = FelixHost.class.getClassLoader().getResources("META-INF/MANIFEST.MF");
            while (manifests.hasMoreElements()) {
                URL url = manifests.nextElement();
                try (InputStream in = url.openStream()) {
                    Manifest m = new Manifest(in);
                    String bsn = m.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
                    String exports = m.getMainAttributes().getValue(Constants.EXPORT_PACKAGE);
                    if (bsn != null && exports != null) {
                        String name = bsn.split(";")[0].trim();
                        if (HOST_EXPORTERS.contains(name)) {
                            byBsn.putIfAbsent(name, exports);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the class path manifests: " + e.getMessage(), e);
        }
        for (String bsn : HOST_EXPORTERS) {
            if (!byBsn.containsKey(bsn)) {
                throw new IllegalStateException("the host class path lacks " + bsn + " (or its OSGi manifest)");
            }
        }
        return String.join(",", byBsn.values());
    }

    private static String stateName(Bundle b) {
        return switch (b.getState()) {
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            default -> "state " + b.getState();
        };
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
