package io.soak.testing.fakes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The real services' addresses for tests: the {@code KEY=value} lines {@code scripts/services.sh start} writes to
 * {@code target/services.env} (or the file named by {@code -Dsoak.services.env} / {@code SOAK_SERVICES_ENV}).
 * A test of a service that is not there is skipped with the reason; with {@code -Dsoak.services.required=true}
 * (CI, after a successful start) it fails instead.
 */
public final class ServicesEnv {

    private ServicesEnv() {
    }

    /** The env file: the property, the variable, else {@code target/services.env} of the checkout above the working directory. */
    public static Path file() {
        String p = System.getProperty("soak.services.env");
        if (p == null || p.isBlank()) {
            p = System.getenv("SOAK_SERVICES_ENV");
        }
        if (p != null && !p.isBlank()) {
            return Path.of(p);
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("scripts/services.sh"))) {
                return d.resolve("target/services.env");
            }
        }
        return null;
    }

    /** Its {@code KEY=value} lines (none when there is no file). */
    public static Map<String, String> read() {
        Path file = file();
        Map<String, String> m = new LinkedHashMap<>();
        if (file != null && Files.isRegularFile(file)) {
            try {
                for (String line : Files.readAllLines(file)) {
                    int eq = line.indexOf('=');
                    if (eq > 0 && !line.startsWith("#")) {
                        m.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return m;
    }

    /** Skips the test (or fails it, when services are required) unless {@code ok}. */
    public static void check(boolean ok, String why) {
        if (Boolean.getBoolean("soak.services.required") && !ok) {
            throw new AssertionError(why + " (soak.services.required=true)");
        }
        Assumptions.assumeTrue(ok, why);
    }

    /** The Kafka broker's {@code host:port} ({@code SOAK_KAFKA_BOOTSTRAP}), accepting connections, or the test is skipped. */
    public static String kafkaBootstrap() {
        String v = read().get("SOAK_KAFKA_BOOTSTRAP");
        check(v != null && !v.isBlank() && reachable(v), "Kafka: services are not installed or not started "
                + "(SOAK_KAFKA_BOOTSTRAP in " + file() + "; run scripts/services.sh start)");
        return v;
    }

    /** True when {@code host:port} accepts a TCP connection within 2 s. */
    public static boolean reachable(String hostPort) {
        int c = hostPort.lastIndexOf(':');
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(hostPort.substring(0, c), Integer.parseInt(hostPort.substring(c + 1))), 2000);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
