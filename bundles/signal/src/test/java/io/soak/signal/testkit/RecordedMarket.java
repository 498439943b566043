package io.soak.signal.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.capture.CaptureReader;
import io.soak.api.market.BookDepth;
import io.soak.api.market.BookTicker;
import io.soak.api.market.MarketEvent;
import io.soak.api.market.Trade;
import io.soak.api.source.RawMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Test-only converter from the recorded captures (shared/data/binance-usdm, or the fixture of runtime/testdata) to api market events: trades,
 * book tickers, and the top levels of a local book maintained from the REST snapshot and the
 * {@code @depth@0ms} diffs (applied from the first diff that covers the snapshot, continuity by {@code pu}).
 * The harvest bundle's parser is not reachable from here (bundles never depend on each other); this one is
 * deliberately minimal and lenient.
 */
public final class RecordedMarket {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    public static final int DEPTH_LEVELS = 5;

    private RecordedMarket() {
    }

    /**
     * The recordings tests read: the full shared recordings when found, else the 30 s fixture of runtime/testdata
     * (io.soak.testdata.TestData; never a skip). Test scope only: the benchmarks use {@link #dataDirectory()}.
     */
    public static Path recordings() {
        return io.soak.testdata.TestData.dir();
    }

    /**
     * The full shared recordings from {@code soak.shared.data} (or ../shared/data), if found: what the benchmarks
     * measure (they need the full 345 s, not the fixture).
     */
    public static Optional<Path> dataDirectory() {
        String prop = System.getProperty("soak.shared.data");
        List<Path> candidates = new ArrayList<>();
        if (prop != null && !prop.isBlank()) {
            candidates.add(Path.of(prop));
        }
        candidates.add(Path.of("../shared/data"));
        candidates.add(Path.of("../../shared/data"));
        candidates.add(Path.of("../../../shared/data"));
        for (Path c : candidates) {
            Path d = c.resolve("binance-usdm");
            if (Files.isRegularFile(d.resolve("btcusdt_20240808.gz"))) {
                return Optional.of(d.toAbsolutePath().normalize());
            }
        }
        return Optional.empty();
    }

    /** Every recording in the directory, converted, merged in local receive order (stable by file). */
    public static List<MarketEvent> load(Path dir) throws IOException {
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".gz")).sorted().toList();
        }
        List<MarketEvent> all = new ArrayList<>();
        for (Path f : files) {
            all.addAll(loadFile(f));
        }
        all.sort(Comparator.comparingLong(MarketEvent::receivedNanos)); // stable: file order on ties
        return all;
    }

    public static List<MarketEvent> loadFile(Path file) throws IOException {
        List<MarketEvent> out = new ArrayList<>();
        Book book = new Book();
        try (CaptureReader reader = new CaptureReader(file)) {
            RawMessage m;
            while ((m = reader.next()) != null) {
                JsonNode root = MAPPER.readTree(m.text());
                if (root.has("lastUpdateId")) {
                    book.snapshot(root);
                    continue;
                }
                String stream = root.path("stream").asText();
                JsonNode d = root.path("data");
                String e = d.path("e").asText();
                long rx = m.receivedNanos();
                switch (e) {
                    case "trade", "aggTrade" -> out.add(new Trade(d.path("s").asText(), stream,
                            d.has("a") ? d.path("a").asLong() : d.path("t").asLong(), dec(d, "p"), dec(d, "q"),
                            d.path("m").asBoolean(), d.path("T").asLong(), d.path("E").asLong(), rx));
                    case "bookTicker" -> out.add(new BookTicker(d.path("s").asText(), stream, d.path("u").asLong(),
                            dec(d, "b"), dec(d, "B"), dec(d, "a"), dec(d, "A"), d.path("T").asLong(),
                            d.path("E").asLong(), rx));
                    case "depthUpdate" -> {
                        BookDepth depth = book.apply(d, stream, rx);
                        if (depth != null) {
                            out.add(depth);
                        }
                    }
                    default -> {
                        // other event kinds are not used by these tests
                    }
                }
            }
        }
        return out;
    }

    private static double dec(JsonNode n, String field) {
        return Double.parseDouble(n.path(field).asText());
    }

    /** Local order book from a snapshot plus diffs. */
    private static final class Book {
        private final TreeMap<Double, Double> bids = new TreeMap<>(Comparator.reverseOrder());
        private final TreeMap<Double, Double> asks = new TreeMap<>();
        private long snapshotId = -1;
        private long lastU = -1;
        private boolean synced;

        private final List<JsonNode> early = new ArrayList<>();

        void snapshot(JsonNode root) {
            bids.clear();
            asks.clear();
            load(bids, root.path("bids"));
            load(asks, root.path("asks"));
            snapshotId = root.path("lastUpdateId").asLong();
            synced = false;
            // diffs received before the snapshot: apply those that follow it, without emitting
            for (JsonNode d : early) {
                apply(d, "", 0L);
            }
            early.clear();
        }

        BookDepth apply(JsonNode d, String stream, long rx) {
            if (snapshotId < 0) {
                if (early.size() < 100_000) {
                    early.add(d);
                }
                return null;
            }
            long first = d.path("U").asLong();
            long last = d.path("u").asLong();
            long prev = d.path("pu").asLong();
            if (!synced) {
                if (last < snapshotId) {
                    return null;
                }
                if (first > snapshotId) {
                    return null; // cannot anchor; a real harvester would fetch a new snapshot
                }
                synced = true;
            } else if (prev != lastU) {
                synced = false; // gap: stop emitting until a new snapshot
                snapshotId = -1;
                return null;
            }
            load(bids, d.path("b"));
            load(asks, d.path("a"));
            lastU = last;
            if (bids.isEmpty() || asks.isEmpty()) {
                return null;
            }
            int n = Math.min(DEPTH_LEVELS, Math.min(bids.size(), asks.size()));
            double[] bp = new double[n];
            double[] bq = new double[n];
            double[] ap = new double[n];
            double[] aq = new double[n];
            int i = 0;
            for (Map.Entry<Double, Double> e : bids.entrySet()) {
                if (i == n) {
                    break;
                }
                bp[i] = e.getKey();
                bq[i++] = e.getValue();
            }
            i = 0;
            for (Map.Entry<Double, Double> e : asks.entrySet()) {
                if (i == n) {
                    break;
                }
                ap[i] = e.getKey();
                aq[i++] = e.getValue();
            }
            return new BookDepth(d.path("s").asText(), stream, last, bp, bq, ap, aq, d.path("E").asLong(), rx);
        }

        private static void load(TreeMap<Double, Double> side, JsonNode levels) {
            for (JsonNode lvl : levels) {
                double price = Double.parseDouble(lvl.get(0).asText());
                double qty = Double.parseDouble(lvl.get(1).asText());
                if (qty == 0.0) {
                    side.remove(price);
                } else {
                    side.put(price, qty);
                }
            }
        }
    }
}
