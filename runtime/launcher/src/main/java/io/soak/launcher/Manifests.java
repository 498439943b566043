package io.soak.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Enumeration;
import java.util.Optional;
import java.util.jar.Manifest;

/** Versions of the jars on the host class path, read from their manifests (for {@code soak version} and the run manifest). */
final class Manifests {

    private Manifests() {
    }

    /** The Bundle-Version of the class-path jar with this Bundle-SymbolicName. */
    static Optional<String> bundleVersion(String symbolicName) {
        try {
            Enumeration<URL> all = Manifests.class.getClassLoader().getResources("META-INF/MANIFEST.MF");
            while (all.hasMoreElements()) {
                try (InputStream in = all.nextElement().openStream()) {
                    var attrs = new Manifest(in).getMainAttributes();
                    String bsn = attrs.getValue("Bundle-SymbolicName");
                    if (bsn != null && bsn.split(";")[0].trim().equals(symbolicName)) {
                        return Optional.ofNullable(attrs.getValue("Bundle-Version"));
                    }
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The runtime's version: the launcher jar's Implementation-Version ({@code dev} when run from classes). */
    static String runtimeVersion() {
        String v = Manifests.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
