package io.soak.dsl.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code emulator { }} inside {@code source { }}: the bundled feed emulator's settings (what it serves, its
 * pace, its port; other keys the emulator reads, such as {@code loop_gap_ms}, through {@code set}). The
 * source's symbols, files, loop and aliases are what it serves.
 */
public final class EmulatorContext extends BlockContext {

    private String serve;
    private String pace;
    private Long port;
    private final Map<String, Object> extra = new TreeMap<>();

    EmulatorContext(Evaluation eval) {
        super(eval, "soak.source.emulator", "emulator { }");
    }

    /** {@code files} (the source's capture files; {@code capture} is a synonym) or {@code synthetic} (a seeded synthetic market). */
    public void serve(Object v) {
        enter("serve");
        String s = Values.text(field("serve"), v).toLowerCase(Locale.ROOT);
        serve = switch (s) {
            case "files", "capture" -> "files";
            case "synthetic" -> "synthetic";
            default -> throw new DslError(field("serve") + " must be 'files' (the source's capture files) or 'synthetic', got " + Values.show(v));
        };
    }

    /** How fast the emulator plays its data: {@code 1x} (default), {@code 20x}. */
    public void pace(Object v) {
        enter("pace");
        io.soak.api.plan.Pace p = SoakContext.parsePace(field("pace"), v);
        if (p.max()) {
            throw new DslError(field("pace") + " must be a multiple such as '1x' or '20x' (a live feed has no 'max'), got " + Values.show(v));
        }
        pace = p.toString();
    }

    /** Loopback port to listen on; 0 (default) picks a free one. */
    public void port(Object v) {
        enter("port");
        long p = Values.integer(field("port"), v);
        if (p < 0 || p > 65535) {
            throw new DslError(field("port") + " must be 0..65535, got " + p);
        }
        port = p;
    }

    /** Any other emulator setting. */
    public void set(Object key, Object value) {
        enter("set");
        String k = Values.text(field("set"), key);
        extra.put(k, Values.plain(field("set") + "('" + k + "')", value));
    }

    Map<String, Object> build(List<String> files) {
        Map<String, Object> m = new TreeMap<>(extra);
        m.put("serve", serve != null ? serve : files.isEmpty() ? "synthetic" : "files");
        m.put("pace", pace != null ? pace : "1x");
        if (port != null) {
            m.put("port", port);
        }
        return m;
    }
}
