package io.soak.signal.internal;

import io.soak.api.market.BookDepth;
import io.soak.api.market.BookTicker;
import io.soak.api.market.Trade;
import io.soak.api.signal.Decision;
import io.soak.api.stage.Envelope;
import io.soak.api.stage.HealthReport;
import io.soak.api.stage.HealthState;
import io.soak.api.stage.PerSymbolState;
import io.soak.api.stage.Stage;
import io.soak.api.stage.StageContext;
import io.soak.api.stage.Topics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The signal stage (DOMAIN.md 2-3): per symbol features from market events, one decision per symbol at most
 * every decision interval, evaluated on trades. Single-threaded; reads time only from the events (exchange
 * event time) and, for health facts, from the engine's clock.
 */
final class SignalStage implements Stage, PerSymbolState {

    /** Snapshot format version; bump when the layout of {@link SymbolState#write} changes. */
    static final int SNAPSHOT_VERSION = 1;
    private static final String SNAPSHOT_MAGIC = "soak-signal";

    private StageContext context;
    private SignalConfig cfg;
    private final Map<String, SymbolState> symbols = new HashMap<>();

    @Override
    public void start(StageContext context) {
        this.context = context;
        this.cfg = SignalConfig.from(context.config());
    }

    @Override
    public void handle(Envelope event) {
        Object p = event.payload();
        if (p instanceof Trade t) {
            SymbolState s = state(t.symbol());
            if (s != null) {
                Decision d = s.onTrade(t);
                if (d != null) {
                    publish(s, d);
                }
            }
        } else if (p instanceof BookTicker b) {
            SymbolState s = state(b.symbol());
            if (s != null) {
                s.onTicker(b);
            }
        } else if (p instanceof BookDepth b) {
            SymbolState s = state(b.symbol());
            if (s != null) {
                s.onDepth(b);
            }
        } else {
            context.metrics().increment("ignored_events");
        }
    }

    private void publish(SymbolState s, Decision d) {
        s.decided(context.clock().nanos());
        context.emit(Topics.DECISION, d);
        var m = context.metrics();
        m.increment("decisions");
        if (d.confirm()) {
            m.increment("confirmed");
        }
        if (d.strong()) {
            m.increment("strong");
        }
        // per-symbol distribution in engine-owned counters (they survive restarts; reports and tests read them)
        SymbolState.CounterNames n = s.counterNames();
        m.increment(n.decisions());
        if (d.confirm()) {
            m.increment(n.confirmed());
        }
        if (d.strong()) {
            m.increment(n.strong());
        }
        m.increment(n.regime(d.regime()));
        for (String r : d.guardReasons()) {
            m.increment(n.guard(r));
        }
    }

    private SymbolState state(String symbol) {
        SymbolState s = symbols.get(symbol);
        if (s == null) {
            if (symbols.size() >= cfg.maxSymbols()) {
                context.metrics().increment("symbols_ignored_events");
                return null;
            }
            s = new SymbolState(cfg, symbol);
            symbols.put(symbol, s);
        }
        return s;
    }

    @Override
    public HealthReport health() {
        long now = context.clock().nanos();
        Map<String, Object> age = new TreeMap<>();
        Map<String, Object> warm = new TreeMap<>();
        Map<String, Object> regime = new TreeMap<>();
        int warming = 0;
        for (SymbolState s : symbols.values()) {
            long at = s.lastDecisionEngineNanos();
            age.put(s.symbol, at == SymbolState.NONE ? -1L : Math.max(0L, (now - at) / 1_000_000L));
            boolean w = s.warmingUp();
            warm.put(s.symbol, w);
            regime.put(s.symbol, s.regime());
            if (w) {
                warming++;
            }
        }
        Map<String, Object> facts = new TreeMap<>();
        facts.put("last_decision_age_ms", age);
        facts.put("warmup", warm);
        facts.put("regime", regime);
        facts.put("symbols", symbols.size());
        facts.put("decisions", context.metrics().counter("decisions"));
        facts.put("confirmed", context.metrics().counter("confirmed"));
        facts.put("strong", context.metrics().counter("strong"));
        String detail = warming == 0 ? "" : warming + " of " + symbols.size() + " symbols warming up";
        return new HealthReport(HealthState.HEALTHY, detail, facts);
    }

    @Override
    public Optional<byte[]> snapshot() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096 + symbols.size() * 8192);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeUTF(SNAPSHOT_MAGIC);
            out.writeInt(SNAPSHOT_VERSION);
            TreeMap<String, SymbolState> ordered = new TreeMap<>(symbols);
            out.writeInt(ordered.size());
            for (SymbolState s : ordered.values()) {
                out.writeUTF(s.symbol);
                s.write(out);
            }
            out.flush();
            return Optional.of(bytes.toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException("signal snapshot failed", e);
        }
    }

    @Override
    public void restore(byte[] state) throws IOException {
        Map<String, SymbolState> read = readSymbols(open(state, SNAPSHOT_MAGIC, "signal snapshot"));
        symbols.clear();
        symbols.putAll(read);
    }

    /** The snapshot's data after its header, which must be {@code magic} at {@link #SNAPSHOT_VERSION}. */
    private static DataInputStream open(byte[] state, String magic, String what) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(state));
        String m = in.readUTF();
        int version = in.readInt();
        if (!magic.equals(m) || version != SNAPSHOT_VERSION) {
            throw new IOException("not a " + what + " of version " + SNAPSHOT_VERSION + ": " + m + " v" + version);
        }
        return in;
    }

    /** A count, then that many (symbol, state) entries, as {@link SymbolState#write} wrote them. */
    private Map<String, SymbolState> readSymbols(DataInputStream in) throws IOException {
        Map<String, SymbolState> read = new HashMap<>();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            String symbol = in.readUTF();
            SymbolState s = new SymbolState(cfg, symbol);
            s.read(in);
            read.put(symbol, s);
        }
        return read;
    }

    // ---- per-symbol snapshot (cluster mode: the changelog of a partition holds its symbols' state) ---------------

    private static final String SYMBOLS_MAGIC = "soak-signal-symbols";

    @Override
    public byte[] snapshotSymbols(Set<String> wanted) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024 + wanted.size() * 8192);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeUTF(SYMBOLS_MAGIC);
        out.writeInt(SNAPSHOT_VERSION);
        TreeMap<String, SymbolState> ordered = new TreeMap<>();
        for (String w : wanted) {
            SymbolState s = symbols.get(w);
            if (s != null) {
                ordered.put(w, s);
            }
        }
        out.writeInt(ordered.size());
        for (SymbolState s : ordered.values()) {
            out.writeUTF(s.symbol);
            s.write(out);
        }
        out.flush();
        return bytes.toByteArray();
    }

    @Override
    public void restoreSymbols(Set<String> which, byte[] state) throws IOException {
        Map<String, SymbolState> read = readSymbols(open(state, SYMBOLS_MAGIC, "per-symbol signal snapshot"));
        // read completely before anything changes: a bad snapshot leaves the running state as it was
        for (String w : which) {
            symbols.remove(w);
        }
        symbols.putAll(read);
    }

    /** For tests: the state of one symbol, or null. */
    SymbolState symbol(String symbol) {
        return symbols.get(symbol);
    }
}
