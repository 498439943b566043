package io.soak.dsl;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The configuration keys the installed components declare they read: name, type, default and doc. Every
 * component (a bundle, or a host module such as the engine) ships its declarations in one text resource,
 * {@value #RESOURCE}, one key a line:
 *
 * <pre>
 *   # key                  type        default  doc
 *   signal.z.window        int         300      samples (one per evaluation) in the robust window
 *   sqlite.synchronous     enum(OFF|NORMAL|FULL|EXTRA)  NORMAL  PRAGMA synchronous
 *   alerts.*.level         string      -        a rule's level (* is one key segment)
 * </pre>
 *
 * Types: {@code int}, {@code number}, {@code bool}, {@code string}, {@code list}, {@code enum(A|B)},
 * {@code any}; a default of {@code -} means none. Adding a key is adding a line. The launcher reads the
 * resources from the bundle jars without starting them (so {@code soak validate} checks keys in milliseconds)
 * and from the host class path. A key no component declares is refused with the closest declared key, like a
 * misspelt one: a key that nothing reads is a key that does nothing. An empty catalog ({@link #none()})
 * accepts everything (no installation to check against).
 */
public final class ConfigCatalog {

    /** Where a component's declarations live, in its jar. */
    public static final String RESOURCE = "META-INF/soak/config.keys";

    private static final Pattern LINE = Pattern.compile("\\s*(\\S+)\\s+(\\S+)\\s+(\\S+)\\s*(.*)");

    /**
     * One declared key.
     *
     * @param name         dotted key; a {@code *} segment matches any one segment
     * @param type         {@code int}, {@code number}, {@code bool}, {@code string}, {@code list}, {@code enum(A|B)}, {@code any}
     * @param defaultValue the default as written, or null
     * @param doc          one line of documentation
     * @param origin       the jar or resource that declared it
     */
    public record Key(String name, String type, String defaultValue, String doc, String origin) {
        boolean matches(String key) {
            if (!name.contains("*")) {
                return name.equals(key);
            }
            String[] p = name.split("\\.");
            String[] k = key.split("\\.");
            if (p.length != k.length) {
                return false;
            }
            for (int i = 0; i < p.length; i++) {
                if (!p[i].equals("*") && !p[i].equals(k[i])) {
                    return false;
                }
            }
            return true;
        }
    }

    private final Map<String, Key> keys;

    private ConfigCatalog(Map<String, Key> keys) {
        this.keys = Collections.unmodifiableMap(keys);
    }

    /** A catalog that accepts every key (nothing installed to check against). */
    public static ConfigCatalog none() {
        return new ConfigCatalog(new LinkedHashMap<>());
    }

    public static ConfigCatalog of(List<Key> keys) {
        Map<String, Key> m = new LinkedHashMap<>();
        keys.forEach(k -> m.putIfAbsent(k.name(), k));
        return new ConfigCatalog(m);
    }

    /** The declarations of the jars (bundles, not started) and of the host class path. */
    public static ConfigCatalog load(List<Path> jars, ClassLoader host) {
        List<Key> all = new ArrayList<>();
        for (Path jar : jars) {
            try (ZipFile z = new ZipFile(jar.toFile())) {
                ZipEntry e = z.getEntry(RESOURCE);
                if (e != null) {
                    try (InputStream in = z.getInputStream(e)) {
                        all.addAll(parse(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                                String.valueOf(jar.getFileName())));
                    }
                }
            } catch (IOException e) {
                // an unreadable jar declares nothing; the host reports it when it installs the bundle
            }
        }
        if (host != null) {
            try {
                Enumeration<URL> urls = host.getResources(RESOURCE);
                while (urls.hasMoreElements()) {
                    URL u = urls.nextElement();
                    try (InputStream in = u.openStream()) {
                        all.addAll(parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), u.toString()));
                    }
                }
            } catch (IOException e) {
                // nothing declared on the host
            }
        }
        return of(all);
    }

    /** Parses one declaration resource; malformed lines are refused (a build-time mistake). */
    public static List<Key> parse(String text, String origin) {
        List<Key> out = new ArrayList<>();
        int n = 0;
        for (String raw : text.split("\n")) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            var m = LINE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException(origin + " line " + n + ": expected 'key type default doc', got '" + line + "'");
            }
            out.add(new Key(m.group(1), m.group(2), m.group(3).equals("-") ? null : m.group(3), m.group(4).strip(), origin));
        }
        return out;
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    public List<Key> keys() {
        return List.copyOf(keys.values());
    }

    /** The declaration of {@code key}, if any. */
    public Optional<Key> find(String key) {
        Key exact = keys.get(key);
        if (exact != null) {
            return Optional.of(exact);
        }
        return keys.values().stream().filter(k -> k.matches(key)).findFirst();
    }

    /**
     * Why {@code key = value} is refused (an unknown key with the closest known one, or a value of the wrong
     * type), or empty when it is accepted. An empty catalog accepts everything.
     */
    public Optional<String> problem(String key, Object value) {
        if (keys.isEmpty()) {
            return Optional.empty();
        }
        Optional<Key> k = find(key);
        if (k.isEmpty()) {
            return Optional.of("unknown key '" + key + "' (no installed component reads it)" + suggestion(key));
        }
        String why = typeProblem(k.get().type(), value);
        return why == null ? Optional.empty() : Optional.of("'" + key + "' " + why);
    }

    private String suggestion(String key) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String name : keys.keySet()) {
            int d = distance(key, name);
            if (d < bestD) {
                bestD = d;
                best = name;
            }
        }
        if (best != null && bestD <= Math.max(2, key.length() / 4)) {
            return "; did you mean '" + best + "'?";
        }
        String section = key.contains(".") ? key.substring(0, key.indexOf('.')) : key;
        Set<String> sections = new TreeSet<>();
        List<String> same = new ArrayList<>();
        for (String name : keys.keySet()) {
            String s = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
            if (!s.equals("*")) {
                sections.add(s);
            }
            if (s.equals(section)) {
                same.add(name.substring(s.length() + 1));
            }
        }
        if (!same.isEmpty()) {
            return "; known in " + section + ": " + String.join(", ", same);
        }
        return "; known sections: " + String.join(", ", sections);
    }

    /** Levenshtein distance (keys are short). */
    public static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String typeProblem(String type, Object v) {
        if (v == null) {
            return null;
        }
        String t = type.toLowerCase(Locale.ROOT);
        switch (t) {
            case "any", "string" -> {
                return t.equals("string") && (v instanceof Map<?, ?> || v instanceof List<?>)
                        ? "must be text, got " + show(v) : null;
            }
            case "int" -> {
                if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof java.math.BigInteger) {
                    return null;
                }
                if (v instanceof CharSequence s) {
                    try {
                        Long.parseLong(s.toString().trim());
                        return null;
                    } catch (NumberFormatException e) {
                        // below
                    }
                }
                return "must be an integer, got " + show(v);
            }
            case "number" -> {
                if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
                    return null;
                }
                if (v instanceof CharSequence s) {
                    try {
                        if (Double.isFinite(Double.parseDouble(s.toString().trim()))) {
                            return null;
                        }
                    } catch (NumberFormatException e) {
                        // below
                    }
                }
                return "must be a number, got " + show(v);
            }
            case "bool" -> {
                if (v instanceof Boolean || (v instanceof CharSequence s
                        && (s.toString().trim().equalsIgnoreCase("true") || s.toString().trim().equalsIgnoreCase("false")))) {
                    return null;
                }
                return "must be true or false, got " + show(v);
            }
            case "list" -> {
                return v instanceof Map<?, ?> ? "must be a list, got " + show(v) : null;
            }
            default -> {
                if (t.startsWith("enum(") && t.endsWith(")")) {
                    List<String> allowed = List.of(type.substring(5, type.length() - 1).split("\\|"));
                    for (String a : allowed) {
                        if (a.equalsIgnoreCase(String.valueOf(v).trim())) {
                            return null;
                        }
                    }
                    return "must be one of " + String.join(", ", allowed) + ", got " + show(v);
                }
                return null;
            }
        }
    }

    private static String show(Object v) {
        if (v instanceof CharSequence s) {
            String t = s.toString();
            return "'" + (t.length() > 40 ? t.substring(0, 40) + "…" : t) + "'";
        }
        String t = String.valueOf(v);
        return t.length() > 40 ? t.substring(0, 40) + "…" : t;
    }
}
