package io.soak.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the embedded Felix host boots: the infrastructure bundles (SCR, ConfigAdmin, FileInstall and the DS
 * api), the application bundles, the directory FileInstall watches, and where the framework keeps its cache.
 * Kept apart from {@link FelixHost} so the launcher and the test harness build it from different layouts.
 *
 * @param infrastructure jars started first, in this order
 * @param bundles        application bundles (stages, sinks, exporters, sources), started after
 * @param hotDir         the directory FileInstall watches; null for none
 * @param storageDir     framework cache; emptied on start
 * @param hotPoll        FileInstall's poll interval
 * @param properties     extra framework properties (override the host's)
 */
public record HostConfig(List<Path> infrastructure, List<Path> bundles, Path hotDir, Path storageDir,
                         Duration hotPoll, Map<String, String> properties) {

    public HostConfig {
        infrastructure = List.copyOf(infrastructure);
        bundles = List.copyOf(bundles);
        hotPoll = hotPoll == null ? Duration.ofSeconds(1) : hotPoll;
        properties = properties == null ? Map.of() : Map.copyOf(properties);
    }

    /** The distribution layout: {@code lib/felix/*.jar}, {@code bundles/*.jar}, {@code hot/}. */
    public static HostConfig fromHome(Path home, Path storageDir) throws IOException {
        return new HostConfig(infrastructureJars(home.resolve("lib").resolve("felix")), jars(home.resolve("bundles")),
                home.resolve("hot"), storageDir, Duration.ofSeconds(1), Map.of());
    }

    /** The jars of a directory, sorted by name; empty when it does not exist. */
    public static List<Path> jars(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        }
    }

    /**
     * The infrastructure jars of a directory in start order: the OSGi util and DS api bundles first (SCR
     * needs them resolved), then ConfigAdmin, SCR and FileInstall.
     */
    public static List<Path> infrastructureJars(Path dir) throws IOException {
        List<Path> all = new ArrayList<>(jars(dir));
        all.sort((a, b) -> Integer.compare(rank(a), rank(b)));
        return all;
    }

    private static int rank(Path jar) {
        String n = jar.getFileName().toString();
        if (n.startsWith("org.osgi.util.function")) {
            return 0;
        }
        if (n.startsWith("org.osgi.util.promise")) {
            return 1;
        }
        if (n.startsWith("org.osgi.service.component")) {
            return 2;
        }
        if (n.contains("configadmin")) {
            return 3;
        }
        if (n.contains("scr")) {
            return 4;
        }
        if (n.contains("fileinstall")) {
            return 6;
        }
        return 5;
    }

    public HostConfig withBundles(List<Path> jars) {
        return new HostConfig(infrastructure, jars, hotDir, storageDir, hotPoll, properties);
    }

    public HostConfig withHotDir(Path dir) {
        return new HostConfig(infrastructure, bundles, dir, storageDir, hotPoll, properties);
    }

    public HostConfig withProperties(Map<String, String> props) {
        return new HostConfig(infrastructure, bundles, hotDir, storageDir, hotPoll, props);
    }
}
