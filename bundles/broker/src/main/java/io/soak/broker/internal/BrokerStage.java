package io.soak.broker.internal;

import io.soak.api.broker.Fill;
import io.soak.api.broker.Order;
import io.soak.api.market.BookDepth;
import io.soak.api.market.BookTicker;
import io.soak.api.signal.Decision;
import io.soak.api.stage.Envelope;
import io.soak.api.stage.HealthReport;
import io.soak.api.stage.HealthState;
import io.soak.api.stage.PerSymbolState;
import io.soak.api.stage.Stage;
import io.soak.api.stage.StageContext;
import io.soak.api.stage.StageMetrics;
import io.soak.api.stage.Topics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paper broker (DOMAIN.md 4): acts on confirmed decisions (strong always, plain ones sampled by a draw
 * derived from the run seed and the decision's sequence number), fills market orders at the symbol's own
 * best ask/bid plus slippage (rejecting with reason {@code crossed_book} when that book's best bid is at or
 * above its best ask, and {@code no_book} without one), charges the taker fee, keeps positions and PnL, and checks its invariants at
 * stop. Every order and fill is appended to a journal in the run directory before it is emitted, so an
 * instance created after a kill or crash rebuilds the same book of positions and re-emits (never re-executes)
 * the order of a redelivered decision.
 */
final class BrokerStage implements Stage, PerSymbolState {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerStage.class);
    static final int SNAPSHOT_VERSION = 1;
    private static final String SNAPSHOT_MAGIC = "soak-broker";

    /** Top of one symbol's book: the latest book ticker or depth level 0 received. */
    record Top(double bid, double ask, long eventTimeMs) {
    }

    private StageContext context;
    private BrokerConfig cfg;
    private Path journal;
    private final Map<String, Top> books = new HashMap<>();
    private final Map<String, Position> positions = new TreeMap<>();
    private final List<Order> orders = new ArrayList<>();
    private final List<Fill> fills = new ArrayList<>();
    private final Map<Long, Integer> orderIndex = new HashMap<>(); // order id -> index in orders
    private final Map<Long, Fill> fillByOrder = new HashMap<>();

    @Override
    public void start(StageContext context) throws IOException {
        this.context = context;
        this.cfg = BrokerConfig.from(context.config());
        context.metrics().add("rejected_crossed_book", 0); // in the manifest from the start, 0 or not
        if (cfg.journal() && context.runDirectory() != null) {
            journal = context.runDirectory().resolve("state").resolve("broker-" + context.stageName() + ".journal");
            if (Files.isRegularFile(journal)) {
                replayJournal();
            }
        }
    }

    @Override
    public void handle(Envelope event) throws IOException {
        Object p = event.payload();
        if (p instanceof Decision d) {
            onDecision(event.seq(), d);
        } else if (p instanceof BookTicker b) {
            onBook(b.symbol(), b.bidPrice(), b.askPrice(), b.eventTimeMs());
        } else if (p instanceof BookDepth b) {
            if (b.levels() > 0) {
                onBook(b.symbol(), b.bidPrices()[0], b.askPrices()[0], b.eventTimeMs());
            }
        }
        // trades and anything else: nothing to do
    }

    private void onBook(String symbol, double bid, double ask, long ts) {
        if (!(bid > 0) || !(ask > 0)) {
            return;
        }
        books.put(symbol, new Top(bid, ask, ts));
        Position pos = positions.get(symbol);
        if (pos != null) {
            pos.mark = (bid + ask) / 2.0;
        }
    }

    private void onDecision(long seq, Decision d) throws IOException {
        if (!d.confirm() || !acts(d, seq)) {
            return;
        }
        Integer known = orderIndex.get(seq);
        if (known != null) {
            // redelivered after a kill: the order exists (journal); publish it again, never execute twice
            Order o = orders.get(known);
            context.emit(Topics.ORDER, o);
            Fill f = fillByOrder.get(seq);
            if (f != null) {
                context.emit(Topics.FILL, f);
            }
            return;
        }
        String side = d.signalType().endsWith("buy") ? "buy" : "sell";
        Top top = books.get(d.symbol());
        StageMetrics m = context.metrics();
        if (top == null) {
            Order o = new Order(seq, d.tsMs(), d.symbol(), side, cfg.notional(), d.signalType(), seq, "rejected",
                    "no_book");
            append(o, null);
            record(o, null);
            context.emit(Topics.ORDER, o);
            m.increment("orders");
            m.increment("rejected");
            return;
        }
        if (top.bid() >= top.ask()) {
            // a crossed or locked book is no market to fill at: the price would be better than any real one
            Order o = new Order(seq, d.tsMs(), d.symbol(), side, cfg.notional(), d.signalType(), seq, "rejected",
                    "crossed_book");
            append(o, null);
            record(o, null);
            context.emit(Topics.ORDER, o);
            m.increment("orders");
            m.increment("rejected");
            m.increment("rejected_crossed_book");
            return;
        }
        double slip = cfg.slippageBps() / 10_000.0;
        double bookPrice = side.equals("buy") ? top.ask() : top.bid();
        double price = side.equals("buy") ? bookPrice * (1 + slip) : bookPrice * (1 - slip);
        double qty = cfg.notional() / price;
        double fee = cfg.notional() * cfg.feeBps() / 10_000.0;
        Order o = new Order(seq, d.tsMs(), d.symbol(), side, cfg.notional(), d.signalType(), seq, "filled", "");
        Fill f = new Fill(seq, d.tsMs(), d.symbol(), side, qty, price, fee, bookPrice);
        append(o, f);
        record(o, f);
        context.emit(Topics.ORDER, o);
        context.emit(Topics.FILL, f);
        m.increment("orders");
        m.increment("fills");
        m.fact("positions", positionsFact());
    }

    /** Strong decisions always; plain buy/sell when the seeded draw for this decision is under the rate. */
    private boolean acts(Decision d, long seq) {
        String t = d.signalType();
        if (t.startsWith("strong_")) {
            return true;
        }
        if (t.equals("buy") || t.equals("sell")) {
            return draw(context.seed(), seq) < cfg.sampleRate();
        }
        return false;
    }

    /** Uniform in [0,1) from the run seed and the decision's sequence number only (SplitMix64 finaliser). */
    static double draw(long seed, long seq) {
        long z = seed + 0x9E3779B97F4A7C15L * (seq + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }

    private void record(Order o, Fill f) {
        orderIndex.put(o.orderId(), orders.size());
        orders.add(o);
        if (f != null) {
            fills.add(f);
            fillByOrder.put(f.orderId(), f);
            Position pos = positions.computeIfAbsent(f.symbol(), s -> new Position());
            pos.apply("buy".equals(f.side()) ? f.quantity() : -f.quantity(), f.price(), f.fee());
            pos.sawBookPrice(f.bookPrice());
            Top top = books.get(f.symbol());
            pos.mark = top != null ? (top.bid() + top.ask()) / 2.0 : f.price();
        }
    }

    @Override
    public void stop() {
        publishInvariants();
    }

    /** Checks the invariants over everything this broker (and, through the journal, its predecessors) did. */
    List<Invariants.Result> publishInvariants() {
        List<Invariants.Result> results = Invariants.check(orders, fills, positions, cfg);
        boolean ok = results.stream().allMatch(Invariants.Result::ok);
        StageMetrics m = context.metrics();
        m.fact("invariants_ok", ok);
        m.fact("invariants", results.stream().map(Invariants.Result::toFact).toList());
        m.fact("positions", positionsFact());
        if (!ok) {
            results.stream().filter(r -> !r.ok())
                    .forEach(r -> LOG.warn("broker invariant {} failed: {}", r.name(), r.detail()));
        }
        return results;
    }

    private Map<String, Object> positionsFact() {
        Map<String, Object> out = new TreeMap<>();
        positions.forEach((s, p) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("position", p.quantity);
            row.put("avg_price", p.averagePrice);
            row.put("realised", p.realised);
            row.put("unrealised", p.unrealised());
            row.put("fees", p.fees);
            row.put("mark", p.mark);
            row.put("fill_book_price_min", Double.isNaN(p.minBookPrice) ? 0.0 : p.minBookPrice);
            row.put("fill_book_price_max", Double.isNaN(p.maxBookPrice) ? 0.0 : p.maxBookPrice);
            out.put(s, Collections.unmodifiableMap(row));
        });
        return Collections.unmodifiableMap(out);
    }

    @Override
    public HealthReport health() {
        Map<String, Object> facts = new TreeMap<>();
        facts.put("orders", orders.size());
        facts.put("fills", fills.size());
        facts.put("books", books.size());
        facts.put("positions", positionsFact());
        return new HealthReport(HealthState.HEALTHY, "", facts);
    }

    // ---- journal (kill and crash recovery) ----------------------------------------------------------------

    private void append(Order o, Fill f) throws IOException {
        if (journal == null) {
            return;
        }
        StringBuilder line = new StringBuilder(160).append("1|").append(o.orderId()).append('|').append(o.tsMs())
                .append('|').append(o.symbol()).append('|').append(o.side()).append('|').append(bits(o.notional()))
                .append('|').append(o.signalType()).append('|').append(o.decisionSeq()).append('|')
                .append(o.status()).append('|').append(o.reason());
        if (f != null) {
            line.append('|').append(bits(f.quantity())).append('|').append(bits(f.price())).append('|')
                    .append(bits(f.fee())).append('|').append(bits(f.bookPrice()));
        }
        line.append('\n');
        Files.createDirectories(journal.getParent());
        // one small write per intent: a kill leaves at most one torn last line, which replay skips
        Files.write(journal, line.toString().getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    private void replayJournal() throws IOException {
        long skipped = 0;
        for (String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
            String[] x = line.split("\\|", -1);
            try {
                if (!(x.length == 10 || x.length == 14) || !x[0].equals("1")) {
                    skipped++;
                    continue;
                }
                long id = Long.parseLong(x[1]);
                if (orderIndex.containsKey(id)) {
                    skipped++;
                    continue;
                }
                Order o = new Order(id, Long.parseLong(x[2]), x[3], x[4], unbits(x[5]), x[6], Long.parseLong(x[7]),
                        x[8], x[9]);
                Fill f = x.length == 14 ? new Fill(id, o.tsMs(), o.symbol(), o.side(), unbits(x[10]), unbits(x[11]),
                        unbits(x[12]), unbits(x[13])) : null;
                record(o, f);
            } catch (NumberFormatException e) {
                skipped++;
            }
        }
        if (skipped > 0) {
            context.metrics().add("journal_skipped_lines", skipped);
        }
        LOG.info("broker {} continues from its journal: {} orders, {} fills", context.stageName(), orders.size(),
                fills.size());
    }

    private static String bits(double v) {
        return Long.toHexString(Double.doubleToRawLongBits(v));
    }

    private static double unbits(String s) {
        return Double.longBitsToDouble(Long.parseUnsignedLong(s, 16));
    }

    // ---- hot swap -----------------------------------------------------------------------------------------

    @Override
    public Optional<byte[]> snapshot() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeUTF(SNAPSHOT_MAGIC);
            out.writeInt(SNAPSHOT_VERSION);
            writeBooks(out, new TreeMap<>(books));
            out.writeInt(orders.size());
            for (Order o : orders) {
                writeOrder(out, o);
            }
            out.writeInt(positions.size());
            for (Map.Entry<String, Position> e : positions.entrySet()) {
                out.writeUTF(e.getKey());
                writePosition(out, e.getValue());
            }
            out.flush();
            return Optional.of(bytes.toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException("broker snapshot failed", e);
        }
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

    @Override
    public void restore(byte[] state) throws IOException {
        DataInputStream in = open(state, SNAPSHOT_MAGIC, "broker snapshot");
        books.clear();
        positions.clear();
        orders.clear();
        fills.clear();
        orderIndex.clear();
        fillByOrder.clear();
        int nb = in.readInt();
        for (int i = 0; i < nb; i++) {
            books.put(in.readUTF(), new Top(in.readDouble(), in.readDouble(), in.readLong()));
        }
        int no = in.readInt();
        List<Order> read = new ArrayList<>(no);
        Map<Long, Fill> readFills = new HashMap<>();
        for (int i = 0; i < no; i++) {
            readOrder(in, read, readFills);
        }
        for (Order o : read) {
            orderIndex.put(o.orderId(), orders.size());
            orders.add(o);
            Fill f = readFills.get(o.orderId());
            if (f != null) {
                fills.add(f);
                fillByOrder.put(f.orderId(), f);
            }
        }
        int np = in.readInt();
        for (int i = 0; i < np; i++) {
            String s = in.readUTF();
            positions.put(s, readPosition(in));
        }
    }

    // ---- per-symbol snapshot (cluster mode: the changelog of a partition holds its symbols' state) ------------
    //
    // Everything the broker keeps is per symbol: the symbol's book top, its orders and fills (an order's id is the
    // decision's seq, so the same on every node), its position. The account-wide figures (orders, fills, the
    // invariants over all of them) are derived from these on the node that holds them.

    private static final String SYMBOLS_MAGIC = "soak-broker-symbols";

    @Override
    public byte[] snapshotSymbols(Set<String> wanted) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeUTF(SYMBOLS_MAGIC);
        out.writeInt(SNAPSHOT_VERSION);
        Map<String, Top> sortedBooks = new TreeMap<>(books);
        sortedBooks.keySet().retainAll(wanted);
        writeBooks(out, sortedBooks);
        List<Order> mine = orders.stream().filter(o -> wanted.contains(o.symbol())).toList();
        out.writeInt(mine.size());
        for (Order o : mine) {
            writeOrder(out, o);
        }
        Map<String, Position> ps = new TreeMap<>(positions);
        ps.keySet().retainAll(wanted);
        out.writeInt(ps.size());
        for (Map.Entry<String, Position> e : ps.entrySet()) {
            out.writeUTF(e.getKey());
            writePosition(out, e.getValue());
        }
        out.flush();
        return bytes.toByteArray();
    }

    @Override
    public void restoreSymbols(Set<String> which, byte[] state) throws IOException {
        DataInputStream in = open(state, SYMBOLS_MAGIC, "per-symbol broker snapshot");
        Map<String, Top> newBooks = new HashMap<>();
        int nb = in.readInt();
        for (int i = 0; i < nb; i++) {
            newBooks.put(in.readUTF(), new Top(in.readDouble(), in.readDouble(), in.readLong()));
        }
        List<Order> newOrders = new ArrayList<>();
        Map<Long, Fill> newFills = new HashMap<>();
        int no = in.readInt();
        for (int i = 0; i < no; i++) {
            readOrder(in, newOrders, newFills);
        }
        Map<String, Position> newPositions = new HashMap<>();
        int np = in.readInt();
        for (int i = 0; i < np; i++) {
            String sym = in.readUTF();
            newPositions.put(sym, readPosition(in));
        }
        // read completely before anything changes: a bad snapshot leaves the running state as it was
        Set<Long> journaled = new java.util.HashSet<>(orderIndex.keySet());
        books.keySet().removeAll(which);
        positions.keySet().removeAll(which);
        orders.removeIf(o -> which.contains(o.symbol()));
        fills.removeIf(f -> which.contains(f.symbol()));
        fillByOrder.values().removeIf(f -> which.contains(f.symbol()));
        books.putAll(newBooks);
        positions.putAll(newPositions);
        for (Order o : newOrders) {
            orders.add(o);
            Fill f = newFills.get(o.orderId());
            if (f != null) {
                fills.add(f);
                fillByOrder.put(f.orderId(), f);
            }
        }
        orderIndex.clear();
        for (int i = 0; i < orders.size(); i++) {
            orderIndex.put(orders.get(i).orderId(), i);
        }
        // the journal (a restart of this instance) holds the restored orders too; ids are the same on every node
        for (Order o : newOrders) {
            if (!journaled.contains(o.orderId())) {
                append(o, newFills.get(o.orderId()));
            }
        }
    }

    private static void writeBooks(DataOutputStream out, Map<String, Top> sortedBooks) throws IOException {
        out.writeInt(sortedBooks.size());
        for (Map.Entry<String, Top> e : sortedBooks.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeDouble(e.getValue().bid());
            out.writeDouble(e.getValue().ask());
            out.writeLong(e.getValue().eventTimeMs());
        }
    }

    private void writeOrder(DataOutputStream out, Order o) throws IOException {
        out.writeLong(o.orderId());
        out.writeLong(o.tsMs());
        out.writeUTF(o.symbol());
        out.writeUTF(o.side());
        out.writeDouble(o.notional());
        out.writeUTF(o.signalType());
        out.writeLong(o.decisionSeq());
        out.writeUTF(o.status());
        out.writeUTF(o.reason());
        Fill f = fillByOrder.get(o.orderId());
        out.writeBoolean(f != null);
        if (f != null) {
            out.writeDouble(f.quantity());
            out.writeDouble(f.price());
            out.writeDouble(f.fee());
            out.writeDouble(f.bookPrice());
        }
    }

    private static void readOrder(DataInputStream in, List<Order> into, Map<Long, Fill> fillsInto) throws IOException {
        Order o = new Order(in.readLong(), in.readLong(), in.readUTF(), in.readUTF(), in.readDouble(),
                in.readUTF(), in.readLong(), in.readUTF(), in.readUTF());
        into.add(o);
        if (in.readBoolean()) {
            fillsInto.put(o.orderId(), new Fill(o.orderId(), o.tsMs(), o.symbol(), o.side(), in.readDouble(),
                    in.readDouble(), in.readDouble(), in.readDouble()));
        }
    }

    private static void writePosition(DataOutputStream out, Position p) throws IOException {
        out.writeDouble(p.quantity);
        out.writeDouble(p.averagePrice);
        out.writeDouble(p.realised);
        out.writeDouble(p.fees);
        out.writeDouble(p.mark);
        out.writeDouble(p.minBookPrice);
        out.writeDouble(p.maxBookPrice);
    }

    private static Position readPosition(DataInputStream in) throws IOException {
        Position p = new Position();
        p.quantity = in.readDouble();
        p.averagePrice = in.readDouble();
        p.realised = in.readDouble();
        p.fees = in.readDouble();
        p.mark = in.readDouble();
        p.minBookPrice = in.readDouble();
        p.maxBookPrice = in.readDouble();
        return p;
    }

    // ---- for tests ------------------------------------------------------------------------------------------

    Map<String, Position> positions() {
        return positions;
    }

    List<Order> orders() {
        return orders;
    }

    List<Fill> fills() {
        return fills;
    }
}
