package io.soak.launcher;

import io.soak.dsl.ConfigCatalog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The configuration keys the installation declares: {@code META-INF/soak/config.keys} of every jar in
 * {@code <home>/bundles} (read as zip files, no framework started: a few milliseconds) and of the host class
 * path (engine, export, alerts). See {@link ConfigCatalog}.
 */
final class Catalogs {

    private Catalogs() {
    }

    static ConfigCatalog of(Path home) {
        List<Path> jars;
        try {
            jars = HostConfig.jars(home.resolve("bundles"));
        } catch (IOException e) {
            jars = List.of();
        }
        return ConfigCatalog.load(jars, Catalogs.class.getClassLoader());
    }
}
