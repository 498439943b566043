package io.soak.dsl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a scenario's {@code data('binance-usdm/btcusdt_20240808.gz')} looks for the recorded data (the full
 * recordings stay outside the project): system property {@code soak.shared.data}, else environment
 * {@code SOAK_DATA}, else the first {@code shared/data} directory found in the script's directory or one of its
 * parents (the layout {@code <work>/shared/data} beside {@code <work>/<project>}), else {@code ../shared/data}
 * from the script's directory. Also the one message a command gives before a run starts when a file a plan
 * replays is missing: the file and the places searched.
 */
public final class DataDirectory {

    /** The system property naming the data directory. */
    public static final String PROPERTY = "soak.shared.data";
    /** The environment variable naming the data directory. */
    public static final String ENV = "SOAK_DATA";

    private DataDirectory() {
    }

    /** The data directory found and, in order, the places looked at to find it. */
    public record Lookup(Path root, List<String> searched) {
    }

    /** Finds the data directory for a script in {@code scriptDir} (null: the working directory). */
    public static Lookup find(Path scriptDir, Map<String, String> env) {
        List<String> searched = new ArrayList<>();
        String prop = System.getProperty(PROPERTY);
        if (prop != null && !prop.isBlank()) {
            searched.add("-D" + PROPERTY + "=" + prop);
            return new Lookup(Path.of(prop).toAbsolutePath().normalize(), searched);
        }
        searched.add("-D" + PROPERTY + " (not set)");
        String fromEnv = env == null ? null : env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            searched.add(ENV + "=" + fromEnv);
            return new Lookup(Path.of(fromEnv).toAbsolutePath().normalize(), searched);
        }
        searched.add(ENV + " (not set)");
        Path start = (scriptDir != null ? scriptDir : Path.of("")).toAbsolutePath().normalize();
        searched.add("shared/data in " + start + " and each of its parents");
        for (Path d = start; d != null; d = d.getParent()) {
            Path candidate = d.resolve("shared").resolve("data");
            if (Files.isDirectory(candidate)) {
                return new Lookup(candidate, searched);
            }
        }
        return new Lookup(start.resolve("../shared/data").normalize(), searched);
    }

    /**
     * The first of {@code files} that is not a readable regular file, as one line naming it and the places
     * searched for the data directory; empty when every file is there.
     */
    public static Optional<String> missing(List<String> files, Path scriptDir, Map<String, String> env) {
        for (String f : files) {
            Path p = Path.of(f);
            if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
                Lookup l = find(scriptDir, env);
                boolean underRoot = p.toAbsolutePath().normalize().startsWith(l.root());
                return Optional.of("recorded data not found: " + f
                        + (underRoot ? " (data directory " + l.root() + "; searched " + String.join(", ", l.searched())
                                + "); point -D" + PROPERTY + " or " + ENV + " at the directory that holds binance-usdm/"
                                : ""));
            }
        }
        return Optional.empty();
    }
}
