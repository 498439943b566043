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
