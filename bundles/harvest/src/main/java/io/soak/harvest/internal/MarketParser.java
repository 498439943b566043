package io.soak.harvest.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.soak.api.market.BookDepth;
import io.soak.api.market.BookTicker;
import io.soak.api.market.Trade;
import io.soak.api.source.RawMessage;
import java.io.IOException;
import java.util.Arrays;

/**
 * The hot path: one Jackson streaming pass over a combined-stream envelope into an api market event
 * ({@link Trade}, {@link BookTicker}, a partial {@link BookDepth}) or a {@link ParsedDepth} (diff update or
 * snapshot) for the local book. No tree model, no per-message strings for field or stream names.
 * Single-threaded: one instance per stage instance (or benchmark thread).
 */
final class MarketParser {

    private static final long NONE = Long.MIN_VALUE;

    /** What {@link #parse} returns for a well-formed message of a stream kind the harvester does not use. */
    static final Object SKIPPED = new Object();

    private final JsonFactory factory = new JsonFactory();
    private final StreamTable streams = new StreamTable();

    // scratch of the message being parsed
    private StreamInfo info;
    private long e;
    private long t;
    private long aId;
    private long tId;
    private long u;
    private long firstU;
    private long pu;
    private long lastUpdateId;
    private double price;
    private double qty;
    private double bidPx;
    private double bidQty;
    private double askPx;
    private double askQty;
    private int buyerMaker;
    private int have; // bit set of string fields seen
    private final Levels bids = new Levels();
    private final Levels asks = new Levels();
    private boolean bidLevels;
    private boolean askLevels;
    private boolean seam;

    private static final int P = 1;
    private static final int Q = 2;
    private static final int BP = 4;
    private static final int BQ = 8;
    private static final int AP = 16;
    private static final int AQ = 32;

    /** The stream of the last message parsed (also when it failed after the envelope named it), or null. */
    StreamInfo lastStream() {
        return info;
    }

    /** True when the last message was a replay's seam snapshot ({@code "seam":true} in its envelope). */
    boolean lastSeam() {
        return seam;
    }

    /**
     * Parses one raw message into a {@link io.soak.api.market.MarketEvent} or a {@link ParsedDepth}.
     *
     * @throws MalformedMessageException when it is not JSON, not an envelope of a known stream, or lacks a field
     */
    Object parse(RawMessage raw) throws MalformedMessageException {
        reset();
        try (JsonParser p = factory.createParser(raw.text())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedMessageException("invalid_json", "not a JSON object");
            }
            boolean data = false;
            JsonToken tok;
            while ((tok = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (name.equals("stream")) {
                    if (v != JsonToken.VALUE_STRING) {
                        throw new MalformedMessageException("wrong_type", "'stream' is not a string");
                    }
                    info = streams.lookup(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                } else if (name.equals("data")) {
                    if (v != JsonToken.START_OBJECT) {
                        throw new MalformedMessageException("wrong_type", "'data' is not an object");
                    }
                    data = true;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String f = p.currentName();
                        field(f, p.nextToken(), p);
                    }
                } else if (name.equals("seam")) {
                    seam = v == JsonToken.VALUE_TRUE;
                } else {
                    field(name, v, p);
                }
            }
            if (tok != JsonToken.END_OBJECT) {
                throw new MalformedMessageException("invalid_json", "truncated JSON");
            }
            if (p.nextToken() != null) {
                throw new MalformedMessageException("invalid_json", "trailing content after the JSON object");
            }
            return build(raw, data);
        } catch (MalformedMessageException ex) {
            throw ex;
        } catch (IOException | RuntimeException ex) {
            String m = ex.getMessage();
            int nl = m == null ? -1 : m.indexOf('\n');
            throw new MalformedMessageException("invalid_json", "invalid JSON: " + (nl > 0 ? m.substring(0, nl) : m));
        }
    }

    private void reset() {
        info = null;
        e = NONE;
        t = NONE;
        aId = NONE;
        tId = NONE;
        u = NONE;
        firstU = NONE;
        pu = NONE;
        lastUpdateId = NONE;
        buyerMaker = -1;
        have = 0;
        bidLevels = false;
        askLevels = false;
        seam = false;
        bids.clear();
        asks.clear();
    }

    private void field(String f, JsonToken v, JsonParser p) throws IOException, MalformedMessageException {
        switch (f) {
            case "E" -> e = integer(p, v, f);
            case "T" -> t = integer(p, v, f);
            case "u" -> u = integer(p, v, f);
            case "U" -> firstU = integer(p, v, f);
            case "pu" -> pu = integer(p, v, f);
            case "t" -> tId = integer(p, v, f);
            case "lastUpdateId" -> lastUpdateId = integer(p, v, f);
            case "m" -> buyerMaker = v == JsonToken.VALUE_TRUE ? 1 : v == JsonToken.VALUE_FALSE ? 0 : -1;
            case "p" -> {
                price = decimal(p, v, f);
                have |= P;
            }
            case "q" -> {
                qty = decimal(p, v, f);
                have |= Q;
            }
            case "B" -> {
                bidQty = decimal(p, v, f);
                have |= BQ;
            }
            case "A" -> {
                askQty = decimal(p, v, f);
                have |= AQ;
            }
            case "a" -> {
                if (v == JsonToken.VALUE_NUMBER_INT) {
                    aId = p.getLongValue();
                } else if (v == JsonToken.START_ARRAY) {
                    levels(p, asks);
                    askLevels = true;
                } else {
                    askPx = decimal(p, v, f);
                    have |= AP;
                }
            }
            case "b" -> {
                if (v == JsonToken.START_ARRAY) {
                    levels(p, bids);
                    bidLevels = true;
                } else {
                    bidPx = decimal(p, v, f);
                    have |= BP;
                }
            }
            case "bids" -> {
                levels(p, bids);
                bidLevels = true;
            }
            case "asks" -> {
                levels(p, asks);
                askLevels = true;
            }
            default -> p.skipChildren();
        }
    }

    private static long integer(JsonParser p, JsonToken v, String f) throws IOException, MalformedMessageException {
        if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            p.skipChildren();
            throw new MalformedMessageException("wrong_type", "field '" + f + "' is not an integer");
        }
        return p.getLongValue();
    }

    private static double decimal(JsonParser p, JsonToken v, String f) throws IOException, MalformedMessageException {
        if (v == JsonToken.VALUE_STRING) {
            try {
                return Decimals.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            } catch (NumberFormatException ex) {
                throw new MalformedMessageException("wrong_type", "field '" + f + "' is not a decimal");
            }
        }
        if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
            return p.getDoubleValue();
        }
        throw new MalformedMessageException("wrong_type", "field '" + f + "' is not a decimal");
    }

    private static void levels(JsonParser p, Levels into) throws IOException, MalformedMessageException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new MalformedMessageException("wrong_type", "levels are not an array");
        }
        JsonToken tok;
        while ((tok = p.nextToken()) == JsonToken.START_ARRAY) {
            double px = price(decimal(p, p.nextToken(), "level price"), "level price");
            double q = quantity(decimal(p, p.nextToken(), "level quantity"), "level quantity");
            if (p.nextToken() != JsonToken.END_ARRAY) {
                throw new MalformedMessageException("wrong_type", "a level is not a [price, quantity] pair");
            }
            into.add(px, q);
        }
        if (tok != JsonToken.END_ARRAY) {
            throw new MalformedMessageException("wrong_type", "levels are not an array of pairs");
        }
    }

    private Object build(RawMessage raw, boolean data) throws MalformedMessageException {
        long recv = raw.receivedNanos();
        if (info == null) {
            if (lastUpdateId != NONE && bidLevels && askLevels) {
                return new ParsedDepth(true, null, "depthSnapshot", NONE, lastUpdateId, NONE, bids.prices(),
                        bids.quantities(), asks.prices(), asks.quantities(), orZero(e), recv);
            }
            throw new MalformedMessageException("not_envelope", "not a combined-stream envelope (no 'stream')");
        }
        if (!data) {
            throw new MalformedMessageException("not_envelope", "no 'data' in " + info.name);
        }
        switch (info.kind) {
            case AGG_TRADE, TRADE -> {
                long id = info.kind == StreamInfo.Kind.AGG_TRADE ? aId : tId;
                require(id != NONE, info.kind == StreamInfo.Kind.AGG_TRADE ? "a" : "t");
                require((have & (P | Q)) == (P | Q), "p/q");
                require(buyerMaker >= 0, "m");
                require(e != NONE, "E");
                price(price, "p");
                quantity(qty, "q");
                return new Trade(info.symbol, info.name, id, price, qty, buyerMaker == 1, t == NONE ? e : t, e, recv);
            }
            case BOOK_TICKER -> {
                require((have & (BP | BQ | AP | AQ)) == (BP | BQ | AP | AQ), "b/B/a/A");
                require(u != NONE, "u");
                long ev = e != NONE ? e : t;
                require(ev != NONE, "E");
                price(bidPx, "b");
                quantity(bidQty, "B");
                price(askPx, "a");
                quantity(askQty, "A");
                return new BookTicker(info.symbol, info.name, u, bidPx, bidQty, askPx, askQty, t == NONE ? ev : t, ev, recv);
            }
            case PARTIAL_DEPTH -> {
                require(bidLevels && askLevels, "b/a");
                require(e != NONE, "E");
                return new BookDepth(info.symbol, info.name, orZero(u), bids.prices(), bids.quantities(),
                        asks.prices(), asks.quantities(), e, recv);
            }
            case DIFF_DEPTH -> {
                require(bidLevels && askLevels, "b/a");
                require(firstU != NONE && u != NONE, "U/u");
                require(e != NONE, "E");
                return new ParsedDepth(false, info.symbol, info.name, firstU, u, pu, bids.prices(), bids.quantities(),
                        asks.prices(), asks.quantities(), e, recv);
            }
            case SNAPSHOT -> {
                require(lastUpdateId != NONE, "lastUpdateId");
                require(bidLevels && askLevels, "bids/asks");
                return new ParsedDepth(true, info.symbol, info.name, NONE, lastUpdateId, NONE, bids.prices(),
                        bids.quantities(), asks.prices(), asks.quantities(), orZero(e), recv);
            }
            default -> {
                return SKIPPED;
            }
        }
    }

    /** A price must be finite and positive. */
    private static double price(double v, String field) throws MalformedMessageException {
        if (!Double.isFinite(v)) {
            throw new MalformedMessageException("non_finite", "'" + field + "' is not finite: " + v);
        }
        if (v <= 0) {
            throw new MalformedMessageException("non_positive_price", "'" + field + "' is not positive: " + v);
        }
        return v;
    }

    /** A quantity must be finite and not negative (0 removes a book level). */
    private static double quantity(double v, String field) throws MalformedMessageException {
        if (!Double.isFinite(v)) {
            throw new MalformedMessageException("non_finite", "'" + field + "' is not finite: " + v);
        }
        if (v < 0) {
            throw new MalformedMessageException("negative_quantity", "'" + field + "' is negative: " + v);
        }
        return v;
    }

    private void require(boolean ok, String field) throws MalformedMessageException {
        if (!ok) {
            throw new MalformedMessageException("missing_field", "missing or invalid '" + field + "' in " + info.name);
        }
    }

    private static long orZero(long v) {
        return v == NONE ? 0 : v;
    }

    /** A growable pair of primitive arrays, reused across messages. */
    private static final class Levels {
        private double[] px = new double[64];
        private double[] qty = new double[64];
        private int size;

        void clear() {
            size = 0;
        }

        void add(double p, double q) {
            if (size == px.length) {
                px = Arrays.copyOf(px, size * 2);
                qty = Arrays.copyOf(qty, size * 2);
            }
            px[size] = p;
            qty[size] = q;
            size++;
        }

        double[] prices() {
            return Arrays.copyOf(px, size);
        }

        double[] quantities() {
            return Arrays.copyOf(qty, size);
        }
    }
}
