package io.soak.dsl.internal;

import groovy.lang.Closure;
import groovy.lang.DelegatesTo;
import io.soak.api.plan.Mode;
import io.soak.api.plan.SourceSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code source { }}: where the market data comes from. */
public final class SourceContext extends BlockContext {

    private static final Pattern SYMBOL = Pattern.compile("[A-Z0-9]{2,30}");
    private static final Pattern STREAM = Pattern.compile("[A-Za-z][A-Za-z0-9]*(@[A-Za-z0-9]+)*");
    private static final Pattern CAPTURE_NAME = Pattern.compile("([A-Za-z0-9]+)[_.].*");

    private String type;
    private List<String> symbols;
    private List<String> streams;
    private List<String> files = List.of();
    private Boolean loop;
    private final Map<String, String> aliases = new LinkedHashMap<>();
    private String endpoint;
    private EmulatorContext emulator;
    private final Map<String, Object> settings = new TreeMap<>();

    SourceContext(Evaluation eval) {
        super(eval, "soak.source", "source { }");
    }

    @Override
    String hint(String setting) {
        return switch (setting) {
            case "alias" -> "alias 'SOLUSDT', from: 'BTCUSDT'";
            case "set" -> "set 'some.key', value";
            case "emulator" -> "emulator { serve 'synthetic'; pace '20x' }";
            default -> null;
        };
    }

    /** {@code binance-ws}, {@code capture}, {@code synthetic}, or a type a bundle provides (for example {@code counter}). */
    public void type(Object v) {
        enter("type");
        String t = Values.text(field("type"), v).toLowerCase(Locale.ROOT);
        if (!SoakContext.COMPONENT.matcher(t).matches()) {
            throw new DslError(field("type") + " is not a source type name, got " + Values.show(v));
        }
        type = t;
    }

    public void symbols(Object... values) {
        enter("symbols");
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (Object o : Values.flat(values)) {
            out.add(symbol(field("symbols"), o));
        }
        if (out.isEmpty()) {
            throw new DslError(field("symbols") + " must name at least one symbol");
        }
        symbols = List.copyOf(out);
    }

    private static String symbol(String field, Object o) {
        String s = Values.text(field, o).toUpperCase(Locale.ROOT);
        if (!SYMBOL.matcher(s).matches()) {
            throw new DslError(field + ": " + Values.show(o) + " is not a symbol such as 'BTCUSDT'");
        }
        return s;
    }

    /** Stream kinds per symbol, for example {@code aggTrade}, {@code trade}, {@code bookTicker}, {@code depth@0ms}. */
    public void streams(Object... values) {
        enter("streams");
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (Object o : Values.flat(values)) {
            String s = Values.text(field("streams"), o);
            if (!STREAM.matcher(s).matches()) {
                throw new DslError(field("streams") + ": " + Values.show(o) + " is not a stream kind such as 'aggTrade' or 'depth5@100ms'");
            }
            if (!PlanChecks.STREAM_KIND.matcher(s).matches()) {
                throw new DslError(field("streams") + ": " + Values.show(s) + " is not a stream kind the harvest stage reads; known: "
                        + PlanChecks.STREAM_KINDS);
            }
            out.add(s);
        }
        streams = List.copyOf(out);
    }

    /** Capture files (replay, or what the emulator serves); relative paths are relative to the working directory. */
    public void files(Object... values) {
        enter("files");
        List<String> out = new ArrayList<>();
        for (Object o : Values.flat(values)) {
            out.add(Values.text(field("files"), o));
        }
        if (out.isEmpty()) {
            throw new DslError(field("files") + " must name at least one file");
        }
        files = List.copyOf(out);
    }

    /** {@code file x} is {@code files x}. */
    public void file(Object v) {
        enter("file");
        files(v);
    }

    /** Replay the files again (times and ids shifted) until the run's duration is over. */
    public void loop(Object v) {
        enter("loop");
        loop = Values.bool(field("loop"), v);
    }

    /** {@code alias 'SOLUSDT', from: 'BTCUSDT'}: serve a recorded symbol's data as another symbol. */
    public void alias(Map<String, Object> opts, Object served) {
        enter("alias");
        if (opts.size() != 1 || !opts.containsKey("from")) {
            throw new DslError(field("alias") + " takes one option, from: (the recorded symbol), got " + opts.keySet());
        }
        String s = symbol(field("alias"), served);
        String from = symbol(field("alias") + ".from", opts.get("from"));
        if (s.equals(from)) {
            throw new DslError(field("alias") + ": " + s + " cannot be an alias of itself");
        }
        aliases.put(s, from);
    }

    /** {@code aliases SOLUSDT: 'BTCUSDT', XRPUSDT: 'ETHUSDT'}. */
    public void aliases(Map<String, Object> map) {
        enter("aliases");
        map.forEach((k, v) -> {
            enter("alias");
            alias(Map.of("from", v), k);
        });
    }

    /** WebSocket base URL of a live source (default {@code wss://fstream.binance.com}). */
    public void endpoint(Object v) {
        enter("endpoint");
        String e = Values.text(field("endpoint"), v);
        if (!e.startsWith("ws://") && !e.startsWith("wss://")) {
            throw new DslError(field("endpoint") + " must be a ws:// or wss:// URL, got " + Values.show(e));
        }
        endpoint = e;
    }

    /** Start the bundled feed emulator on loopback and connect to it (live mode). */
    public void emulator(@DelegatesTo(value = EmulatorContext.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
        enter("emulator");
        if (emulator == null) {
            emulator = new EmulatorContext(eval);
        }
        open(emulator, body);
    }

    /** A setting the source type understands. */
    public void set(Object key, Object value) {
        enter("set");
        String k = Values.text(field("set"), key);
        settings.put(k, Values.plain(field("set") + "('" + k + "')", value));
    }

    SourceSpec build(Mode mode) {
        String t = type;
        if (t == null) {
            t = mode == Mode.LIVE ? "binance-ws" : files.isEmpty() ? "synthetic" : "capture";
        }
        if (mode == Mode.LIVE && t.equals("capture")) {
            throw invalid("type", "'capture' replays files and needs mode 'replay'; to serve captures live use "
                    + "type 'binance-ws' with emulator { serve 'files' }");
        }
        if (mode == Mode.REPLAY && t.equals("binance-ws")) {
            throw invalid("type", "'binance-ws' is a live WebSocket and needs mode 'live'");
        }
        if (emulator != null && mode != Mode.LIVE) {
            throw invalid("emulator", "starts a live feed and needs mode 'live'");
        }
        if (emulator != null && endpoint != null) {
            throw invalid("endpoint", "cannot be set together with emulator { } (the emulator's loopback URL is used)");
        }
        Map<String, Object> em = emulator == null ? Map.of() : emulator.build(files);
        boolean servesCapture = "files".equals(em.get("serve"));
        if ((t.equals("capture") || servesCapture) && files.isEmpty()) {
            throw new DslError(lineOf(t.equals("capture") ? "type" : "emulator"), path + ": "
                    + (t.equals("capture") ? "type 'capture'" : "emulator { serve 'files' }")
                    + " needs capture files: files data('binance-usdm/btcusdt_20240808.gz'), ...");
        }
        List<String> syms = symbols;
        if (syms == null) {
            syms = (t.equals("capture") || servesCapture) ? fromFileNames() : Defaults.SYMBOLS;
        }
        if (symbols != null) {
            for (String served : aliases.keySet()) {
                if (!syms.contains(served)) {
                    throw invalid("alias", "serves " + served + ", which is not one of soak.source.symbols " + syms);
                }
            }
        } else if (!aliases.isEmpty()) {
            LinkedHashSet<String> all = new LinkedHashSet<>(syms);
            all.addAll(aliases.keySet());
            syms = List.copyOf(all);
        }
        // an alias of a symbol no file holds (or the source does not produce) would serve nothing, silently
        List<String> recorded = aliases.isEmpty() ? syms : (t.equals("capture") || servesCapture) ? fromFileNames() : syms;
        for (Map.Entry<String, String> a : aliases.entrySet()) {
            if (!recorded.contains(a.getValue()) || aliases.containsKey(a.getValue())) {
                throw invalid("alias", a.getKey() + " from " + a.getValue() + ": " + a.getValue() + " is not "
                        + ((t.equals("capture") || servesCapture) ? "in the capture files (they hold " + String.join(", ", recorded) + ")"
                        : "a symbol the source produces (" + String.join(", ", syms.stream().filter(x -> !aliases.containsKey(x)).toList()) + ")"));
            }
        }
        List<String> str = streams;
        if (str == null) {
            // a replay of captures replays what the files hold; a live or synthetic feed subscribes to the defaults
            str = t.equals("capture") ? List.of() : Defaults.STREAMS;
        }
        String ep = endpoint;
        if (ep == null) {
            ep = mode == Mode.LIVE && emulator == null && t.equals("binance-ws") ? Defaults.BINANCE_ENDPOINT : "";
        }
        return new SourceSpec(t, syms, str, ep, files, loop != null && loop, aliases, em, settings);
    }

    /** {@code btcusdt_20240808.gz} → {@code BTCUSDT}. */
    private List<String> fromFileNames() {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String f : files) {
            Path name = Path.of(f).getFileName();
            Matcher m = CAPTURE_NAME.matcher(name == null ? f : name.toString());
            if (!m.matches()) {
                throw invalid("files", "cannot tell the symbol of " + Values.show(f) + " from its name; add symbols 'BTCUSDT', ...");
            }
            out.add(m.group(1).toUpperCase(Locale.ROOT));
        }
        return List.copyOf(out);
    }
}
