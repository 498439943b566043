package io.soak.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.soak.api.stage.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loads {@code config/defaults.yaml} and flattens it to the dotted keys the engine and the stages read
 * ({@code signal: {z: {window: 300}}} becomes {@code signal.z.window = 300}). Lists stay lists; a list of
 * maps is kept as it is (a component reads it whole).
 */
public final class Defaults {

    private Defaults() {
    }

    /** The flattened defaults of a YAML file. */
    public static Settings load(Path yaml) throws UserException {
        return load(yaml, io.soak.dsl.ConfigCatalog.none());
    }

    /**
     * The flattened defaults of a YAML file, every key checked against the declared keys of the installed
     * components: a key no component reads, or a value of the wrong type, is an invalid input (exit 2) naming the
     * file, the line and the closest declared key.
     */
    public static Settings load(Path yaml, io.soak.dsl.ConfigCatalog catalog) throws UserException {
        Settings s = read(yaml);
        if (!catalog.isEmpty()) {
            List<String> lines = null;
            for (Map.Entry<String, Object> e : s.values().entrySet()) {
                var problem = catalog.problem(e.getKey(), e.getValue());
                if (problem.isPresent()) {
                    if (lines == null) {
                        try {
                            lines = Files.readAllLines(yaml);
                        } catch (IOException x) {
                            lines = List.of();
                        }
                    }
                    int line = lineOf(lines, e.getKey());
                    throw new UserException(2, "(" + yaml + (line > 0 ? ", line " + line : "") + ") " + problem.get());
                }
            }
        }
        return s;
    }

    /** The line of a dotted key in a YAML file: each segment found below its parent's line (0 when not found). */
    static int lineOf(List<String> lines, String key) {
        int from = 0;
        int found = 0;
        for (String seg : key.split("\\.")) {
            java.util.regex.Pattern p = java.util.regex.Pattern.compile("(^|[\\s{,])" + java.util.regex.Pattern.quote(seg) + "\\s*:");
            boolean hit = false;
            for (int i = from; i < lines.size(); i++) {
                String l = lines.get(i);
                int hash = l.indexOf('#');
                if (p.matcher(hash >= 0 ? l.substring(0, hash) : l).find()) {
                    found = i + 1;
                    from = i;
                    hit = true;
                    break;
                }
            }
            if (!hit) {
                return found;
            }
        }
        return found;
    }

    private static Settings read(Path yaml) throws UserException {
        Object tree;
        try {
            tree = new ObjectMapper(new YAMLFactory()).readValue(Files.readAllBytes(yaml), Object.class);
        } catch (NoSuchFileException e) {
            throw new UserException(2, "config file not found: " + yaml);
        } catch (IOException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new UserException(2, "cannot read config " + yaml + ": " + m);
        }
        if (tree == null) {
            return Settings.empty();
        }
        if (!(tree instanceof Map<?, ?> map)) {
            throw new UserException(2, "config " + yaml + " must be a mapping of sections, got a " + tree.getClass().getSimpleName());
        }
        return new Settings(flatten(map));
    }

    /** Flattens nested maps into dotted keys, sorted. */
    public static Map<String, Object> flatten(Map<?, ?> tree) {
        Map<String, Object> out = new TreeMap<>();
        flatten("", tree, out);
        return out;
    }

    private static void flatten(String prefix, Map<?, ?> node, Map<String, Object> out) {
        node.forEach((k, v) -> {
            String key = prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k;
            if (v instanceof Map<?, ?> m) {
                flatten(key, m, out);
            } else if (v instanceof List<?> l) {
                out.put(key, List.copyOf(new ArrayList<>(l)));
            } else if (v != null) {
                out.put(key, v);
            }
        });
    }
}
