package io.soak.testdata;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The recorded Binance data every test reads, from one place: the full shared recordings
 * ({@code <data>/binance-usdm/btcusdt_20240808.gz} and {@code ethusdt_20240808.gz}, ~345 s) when they are
 * found, else the fixture shipped in this jar (the first 30 s of the same two files, same names, same format).
 * Tests never skip for missing data: they run on whichever is there, and {@link #describe()} says which.
 *
 * <p>The full recordings are searched in this order: system property {@code soak.shared.data}, environment
 * {@code SOAK_DATA}, then a {@code shared/data} directory in the working directory or any of its parents (the
 * layout {@code <work>/shared/data} beside {@code <work>/<project>}). A directory counts only when it holds
 * both recordings. The fixture is copied once per JVM to a temporary directory (deleted at exit) so that
 * code taking file paths (capture readers, scenarios' {@code data(...)}) reads it like the real thing.
 */
public final class TestData {

    /** The BTCUSDT recording's file name (the same in the full data and in the fixture). */
    public static final String BTC = "btcusdt_20240808.gz";
    /** The ETHUSDT recording's file name (the same in the full data and in the fixture). */
    public static final String ETH = "ethusdt_20240808.gz";
    /** The directory under the data root that holds the recordings. */
    public static final String DIR = "binance-usdm";
    /** The system property naming the data root (the same one scenarios' {@code data(...)} reads). */
    public static final String PROPERTY = "soak.shared.data";
    /** The environment variable naming the data root. */
    public static final String ENV = "SOAK_DATA";
    /** {@code -Dsoak.test.data=fixture} makes the tests read the fixture even where the full recordings are. */
    public static final String FORCE_PROPERTY = "soak.test.data";

    private static final String RESOURCE = "/io/soak/testdata/" + DIR + "/";
    private static final Map<String, Counts> COUNTS = new ConcurrentHashMap<>();
    private static volatile Located located;

    private TestData() {
    }

    /** Which data the tests of this JVM read. */
    public record Located(Path root, boolean full, List<Path> searched) {
        /** The recordings' directory ({@code root/binance-usdm}). */
        public Path dir() {
            return root.resolve(DIR);
        }
    }

    /** Counts of one recording, by line: the REST snapshot lines and the stream messages per stream name. */
    public record Counts(long lines, long snapshots, Map<String, Long> perStream) {
        /** Stream messages (every line but the snapshot lines). */
        public long streamMessages() {
            return lines - snapshots;
        }

        /** Messages of one stream ({@code "btcusdt@trade"}), 0 when absent. */
        public long stream(String name) {
            return perStream.getOrDefault(name, 0L);
        }
    }

    /** The data this JVM's tests read: found once, then the same for every caller. */
    public static Located locate() {
        Located l = located;
        if (l == null) {
            synchronized (TestData.class) {
                l = located;
                if (l == null) {
                    l = find();
                    located = l;
                    System.out.println("[test data] " + describe(l));
                }
            }
        }
        return l;
    }

    /** The data root (the directory {@code data(...)} of a scenario resolves against). */
    public static Path root() {
        return locate().root();
    }

    /** The recordings' directory: {@code <root>/binance-usdm}. */
    public static Path dir() {
        return locate().dir();
    }

    /** One recording by file name ({@link #BTC}, {@link #ETH}). */
    public static Path file(String name) {
        return dir().resolve(name);
    }

    /** True when the full shared recordings are read, false on the fixture. */
    public static boolean full() {
        return locate().full();
    }

    /** One line saying which data is read, from where, and where the full recordings were searched. */
    public static String describe() {
        return describe(locate());
    }

    /**
     * Points scenarios run in this JVM at the same data: sets {@code soak.shared.data} to {@link #root()} (what
     * {@code data('binance-usdm/...')} resolves against). Returns the root.
     */
    public static Path useForScenarios() {
        Path root = root();
        System.setProperty(PROPERTY, root.toString());
        return root;
    }

    /** The counts of a recording of the data in use (computed by reading its lines once; cached). */
    public static Counts counts(String name) {
        return counts(file(name));
    }

    /** The counts of any capture file in the recordings' format (computed once per file; cached). */
    public static Counts counts(Path file) {
        return COUNTS.computeIfAbsent(file.toAbsolutePath().normalize().toString(), k -> count(Path.of(k)));
    }

    /** The full recordings, if found (what {@link #locate()} prefers), with the places searched. */
    public static Optional<Path> sharedRoot() {
        for (Path p : candidates()) {
            if (holdsRecordings(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The places searched for the full recordings, in order. */
    public static List<Path> candidates() {
        LinkedHashSet<Path> out = new LinkedHashSet<>();
        String prop = System.getProperty(PROPERTY);
        if (prop != null && !prop.isBlank() && !isFixture(prop)) {
            out.add(Path.of(prop).toAbsolutePath().normalize());
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            out.add(Path.of(env).toAbsolutePath().normalize());
        }
        for (Path d = Path.of("").toAbsolutePath().normalize(); d != null; d = d.getParent()) {
            out.add(d.resolve("shared").resolve("data"));
        }
        return List.copyOf(out);
    }

    /** The fixture, copied out of this jar to a temporary data root (once per JVM). */
    public static synchronized Path fixtureRoot() {
        if (fixture == null) {
            fixture = extractFixture();
        }
        return fixture;
    }

    private static Path fixture;

    private static boolean isFixture(String prop) {
        return fixture != null && Path.of(prop).toAbsolutePath().normalize().equals(fixture);
    }

    private static Located find() {
        if ("fixture".equals(System.getProperty(FORCE_PROPERTY))) {
            return new Located(fixtureRoot(), false, List.of());
        }
        List<Path> searched = candidates();
        for (Path p : searched) {
            if (holdsRecordings(p)) {
                return new Located(p, true, searched);
            }
        }
        return new Located(fixtureRoot(), false, searched);
    }

    private static boolean holdsRecordings(Path root) {
        Path d = root.resolve(DIR);
        return Files.isRegularFile(d.resolve(BTC)) && Files.isRegularFile(d.resolve(ETH));
    }

    private static String describe(Located l) {
        if (l.full()) {
            return "full shared recordings at " + l.dir();
        }
        StringBuilder b = new StringBuilder("fixture (first 30 s of the shared recordings, io.soak.testdata) at ")
                .append(l.dir()).append(l.searched().isEmpty() ? "; chosen by -D" + FORCE_PROPERTY + "=fixture"
                        : "; full recordings not found in: ");
        for (int i = 0; i < l.searched().size(); i++) {
            b.append(i == 0 ? "" : ", ").append(l.searched().get(i));
        }
        return b.toString();
    }

    private static Path extractFixture() {
        try {
            Path root = Files.createTempDirectory("soak-testdata-");
            Path dir = Files.createDirectories(root.resolve(DIR));
            for (String name : List.of(BTC, ETH, "README.md")) {
                try (InputStream in = TestData.class.getResourceAsStream(RESOURCE + name)) {
                    if (in == null) {
                        throw new IllegalStateException("the fixture " + RESOURCE + name + " is missing from the class path");
                    }
                    Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root), "soak-testdata-cleanup"));
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the test-data fixture to a temporary directory", e);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at exit
        }
    }

    private static Counts count(Path file) {
        long lines = 0;
        long snapshots = 0;
        Map<String, Long> per = new TreeMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file), 1 << 16), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                lines++;
                int s = line.indexOf("{\"stream\":\"");
                if (s < 0) {
                    if (line.contains("\"lastUpdateId\"")) {
                        snapshots++;
                    }
                    continue;
                }
                int from = s + "{\"stream\":\"".length();
                per.merge(line.substring(from, line.indexOf('"', from)), 1L, Long::sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return new Counts(lines, snapshots, Map.copyOf(per));
    }

    /** The recordings' lines, as read from the file (for tests that build their own small captures). */
    public static List<String> head(String name, int n) {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file(name))), StandardCharsets.UTF_8))) {
            String line;
            while (out.size() < n && (line = r.readLine()) != null) {
                out.add(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file(name), e);
        }
        return out;
    }
}
