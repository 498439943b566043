package io.soak.harvest.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.RecyclerPool;
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

    /**
     * Jackson's buffers come from a pool of one, this parser's own (it is single-threaded), instead of Jackson's
     * default thread-local pool: a {@code ThreadLocal} lookup per message was ~5 % of the parser thread's time.
     */
    private final JsonFactory factory = JsonFactory.builder().recyclerPool(new OwnRecycler()).build();

    /** A pool holding at most one {@link BufferRecycler}: one parser at a time, on one thread. */
    private static final class OwnRecycler implements RecyclerPool<BufferRecycler> {
        private static final long serialVersionUID = 1L;
        private transient BufferRecycler idle;

        @Override
        public BufferRecycler acquirePooled() {
            BufferRecycler r = idle;
            if (r == null) {
                return new BufferRecycler();
            }
            idle = null;
            return r;
        }

        @Override
        public void releasePooled(BufferRecycler r) {
            idle = r;
        }
    }
    private final StreamTable streams = new StreamTable();
    private final boolean fastDiffs;
    private long fastDiffsParsed;
    private long fastFlatParsed;

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

    /** A parser with the fast path for diff-depth updates ({@link #parseDiff}). */
    MarketParser() {
        this(true);
    }

    /** {@code fastDiffs} false: every message through Jackson (the reference the fast path is tested against). */
    MarketParser(boolean fastDiffs) {
        this.fastDiffs = fastDiffs;
    }

    /** Diff-depth updates the fast path parsed (the others went through Jackson). */
    long fastDiffsParsed() {
        return fastDiffsParsed;
    }

    /** Trade, aggTrade and bookTicker messages the flat fast path parsed ({@link #parseFlat}). */
    long fastFlatParsed() {
        return fastFlatParsed;
    }

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
        if (fastDiffs) {
            reset();
            ParsedDepth d;
            try {
                d = parseDiff(raw);
            } catch (RuntimeException ex) {
                d = null; // not expected; the Jackson path gives the message its outcome
            }
            if (d != null) {
                fastDiffsParsed++;
                return d;
            }
            reset();
            Object f;
            try {
                f = parseFlat(raw);
            } catch (RuntimeException ex) {
                f = null; // not expected; the Jackson path gives the message its outcome
            }
            if (f != null) {
                fastFlatParsed++;
                return f;
            }
        }
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

    // ---- the fast path for diff-depth updates ------------------------------------------------------------------
    //
    // A depth diff carries 100-300 [price, quantity] levels; through Jackson each is four tokens, two strings and
    // two decimal parses. parseDiff() reads the exact shape Binance sends ({"stream":"<sym>@depth@..","data":{..,
    // "b":[["p","q"],..],"a":[..]}}) in one pass over the characters, straight into the primitive level arrays.
    // It accepts only a strict subset of what the Jackson path accepts, with the same values (the same
    // Decimals.parse, the same checks): anything else (an escape, a number that is not a plain integer, a field
    // the diff does not use, a duplicate, a bad value, a syntax error) returns null and the message is parsed
    // again by the Jackson path, which gives every malformed message its reason exactly as before.

    private char[] buf = new char[8192];
    private int pos;
    private int end;

    private static final int F_E = 1;
    private static final int F_T = 2;
    private static final int F_FIRST = 4;
    private static final int F_U = 8;
    private static final int F_PU = 16;
    private static final int F_B = 32;
    private static final int F_A = 64;
    private static final int HEAD = 96;

    /** The diff update of a well-formed diff-depth message, or null (anything else: the Jackson path decides). */
    private ParsedDepth parseDiff(RawMessage raw) {
        String text = raw.text();
        int n = text.length();
        // most messages are not diffs: tell from the stream name without copying ({"stream":"<sym>@depth[@..]")
        if (n < 16 || n > (1 << 22) || !text.startsWith("{\"stream\":\"")) {
            return null;
        }
        int at = text.indexOf('@', 11);
        if (at < 0 || at > HEAD - 8 || at + 6 >= n || !text.startsWith("depth", at + 1)
                || (text.charAt(at + 6) != '@' && text.charAt(at + 6) != '"')) {
            return null;
        }
        if (!envelope(text, false) || (have & F_B) == 0 || (have & F_A) == 0 || (have & F_FIRST) == 0
                || (have & F_U) == 0 || (have & F_E) == 0) {
            return null;
        }
        return new ParsedDepth(false, info.symbol, info.name, firstU, u, pu, bids.prices(), bids.quantities(),
                asks.prices(), asks.quantities(), e, raw.receivedNanos());
    }

    /**
     * The envelope {@code {"stream":…,"data":{…}[,"seam":…]}} of the plain shape, {@code stream} first, into
     * {@link #info}, {@link #seam} and (through {@link #diffData} or {@link #flatData}) the fields; false for
     * anything else, a stream of another kind than the path's included.
     */
    private boolean envelope(String text, boolean flat) {
        int n = text.length();
        if (n > buf.length) {
            buf = new char[Math.max(n, buf.length * 2)];
        }
        text.getChars(0, n, buf, 0);
        end = n;
        pos = 1;
        if (!ws() || !key("stream") || !colon() || !ws() || buf[pos] != '"') {
            return false;
        }
        int s0 = ++pos;
        int s1 = stringEnd();
        if (s1 < 0) {
            return false;
        }
        info = streams.lookup(buf, s0, s1 - s0);
        if (flat ? info.kind != StreamInfo.Kind.BOOK_TICKER && !info.kind.trades() : info.kind != StreamInfo.Kind.DIFF_DEPTH) {
            return false;
        }
        pos = s1 + 1;
        boolean data = false;
        boolean seamSeen = false;
        while (true) {
            if (!ws()) {
                return false;
            }
            char c = buf[pos++];
            if (c == '}') {
                break;
            }
            if (c != ',' || !ws() || buf[pos] != '"') {
                return false;
            }
            if (match("data")) {
                if (data || !colon() || !ws() || buf[pos] != '{') {
                    return false;
                }
                pos++;
                if (!(flat ? flatData() : diffData())) {
                    return false;
                }
                data = true;
            } else if (match("seam")) {
                if (seamSeen || !colon() || !ws()) {
                    return false;
                }
                if (literal("true")) {
                    seam = true;
                } else if (!literal("false")) {
                    return false;
                }
                seamSeen = true;
            } else {
                return false; // a member the envelope of the plain shape does not have
            }
        }
        while (pos < end) {
            char c = buf[pos++];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return false;
            }
        }
        return data;
    }

    /**
     * The fast path of the flat kinds (trade, aggTrade, bookTicker: one object of scalars in {@code data}): the same
     * fields the Jackson path sets ({@link #field}), from the plain shape only, then the same {@link #build}, so the
     * outcome (the event, or the error {@code build} finds) is the one the Jackson path gives. Returns null for
     * anything else (another kind, escapes, a nested value, a float where an integer goes, a duplicate key, another
     * envelope member): the Jackson path decides those. {@code MarketParserEquivalenceTest} holds it to that.
     */
    private Object parseFlat(RawMessage raw) throws MalformedMessageException {
        String text = raw.text();
        int n = text.length();
        if (n < 16 || n > (1 << 16) || !text.startsWith("{\"stream\":\"")) {
            return null;
        }
        int at = text.indexOf('@', 11);
        if (at < 0 || at > HEAD - 12 || !(text.startsWith("bookTicker\"", at + 1) || text.startsWith("trade\"", at + 1)
                || text.startsWith("aggTrade\"", at + 1))) {
            return null;
        }
        return envelope(text, true) ? build(raw, true) : null;
    }

    private static final int G_E = 1;
    private static final int G_T = 2;
    private static final int G_U = 4;
    private static final int G_TID = 8;
    private static final int G_M = 16;
    private static final int G_P = 32;
    private static final int G_Q = 64;
    private static final int G_BQ = 128;
    private static final int G_AQ = 256;
    private static final int G_A = 512;
    private static final int G_B = 1024;

    /** The scalar members of a flat {@code data} after its '{', through its '}'; false for anything else. */
    private boolean flatData() {
        int first = objectStart();
        if (first <= 0) {
            return first == 0;
        }
        int seen = 0;
        while (true) {
            int len = memberKey();
            if (len < 0) {
                return false;
            }
            int k0 = keyStart;
            int bit = 0;
            if (len == 1) {
                bit = switch (buf[k0]) {
                    case 'E' -> G_E;
                    case 'T' -> G_T;
                    case 'u' -> G_U;
                    case 't' -> G_TID;
                    case 'm' -> G_M;
                    case 'p' -> G_P;
                    case 'q' -> G_Q;
                    case 'B' -> G_BQ;
                    case 'A' -> G_AQ;
                    case 'a' -> G_A;
                    case 'b' -> G_B;
                    case 'U' -> -1;
                    default -> 0;
                };
            } else if ((len == 2 && buf[k0] == 'p' && buf[k0 + 1] == 'u') || isKey(k0, len, "bids")
                    || isKey(k0, len, "asks") || isKey(k0, len, "lastUpdateId")) {
                bit = -1;
            }
            if (bit < 0 || (bit & seen) != 0) {
                return false; // fields of the book kinds, or a duplicate: the Jackson path decides
            }
            seen |= bit;
            if (bit == G_E || bit == G_T || bit == G_U || bit == G_TID || (bit == G_A && buf[pos] != '"')) {
                long v = plainLong();
                if (pos < 0) {
                    return false;
                }
                switch (bit) {
                    case G_E -> e = v;
                    case G_T -> t = v;
                    case G_U -> u = v;
                    case G_TID -> tId = v;
                    default -> aId = v;
                }
            } else if (bit == G_M) {
                if (literal("true")) {
                    buyerMaker = 1;
                } else if (literal("false")) {
                    buyerMaker = 0;
                } else {
                    return false;
                }
            } else if (bit != 0) {
                double v = fastDecimal();
                if (Double.isNaN(v)) {
                    return false;
                }
                switch (bit) {
                    case G_P -> {
                        price = v;
                        have |= P;
                    }
                    case G_Q -> {
                        qty = v;
                        have |= Q;
                    }
                    case G_BQ -> {
                        bidQty = v;
                        have |= BQ;
                    }
                    case G_AQ -> {
                        askQty = v;
                        have |= AQ;
                    }
                    case G_A -> {
                        askPx = v;
                        have |= AP;
                    }
                    default -> {
                        bidPx = v;
                        have |= BP;
                    }
                }
            } else if (!skipScalar()) {
                return false;
            }
            int next = memberEnd();
            if (next <= 0) {
                return next == 0;
            }
        }
    }

    /** The members of {@code data} after its '{', through its '}'. Uses {@link #have} for the fields seen. */
    private boolean diffData() {
        int first = objectStart();
        if (first <= 0) {
            return first == 0;
        }
        while (true) {
            int len = memberKey();
            if (len < 0) {
                return false;
            }
            int k0 = keyStart;
            int bit = 0;
            if (len == 1) {
                switch (buf[k0]) {
                    case 'E' -> bit = F_E;
                    case 'T' -> bit = F_T;
                    case 'U' -> bit = F_FIRST;
                    case 'u' -> bit = F_U;
                    case 'b' -> bit = F_B;
                    case 'a' -> bit = F_A;
                    case 'p', 'q', 'B', 'A', 'm', 't' -> {
                        return false; // fields of other kinds: the Jackson path decides what they mean here
                    }
                    default -> bit = 0;
                }
            } else if (len == 2 && buf[k0] == 'p' && buf[k0 + 1] == 'u') {
                bit = F_PU;
            } else if (isKey(k0, len, "bids") || isKey(k0, len, "asks") || isKey(k0, len, "lastUpdateId")) {
                return false;
            }
            if (bit != 0) {
                if ((have & bit) != 0) {
                    return false; // a duplicate
                }
                have |= bit;
                switch (bit) {
                    case F_E -> e = plainLong();
                    case F_T -> t = plainLong();
                    case F_FIRST -> firstU = plainLong();
                    case F_U -> u = plainLong();
                    case F_PU -> pu = plainLong();
                    case F_B -> {
                        if (!fastLevels(bids, true)) {
                            return false;
                        }
                        bidLevels = true;
                    }
                    default -> {
                        if (!fastLevels(asks, false)) {
                            return false;
                        }
                        askLevels = true;
                    }
                }
                if (bit < F_B && pos < 0) {
                    return false;
                }
            } else if (!skipScalar()) {
                return false;
            }
            int next = memberEnd();
            if (next <= 0) {
                return next == 0;
            }
        }
    }

    /** Start of the key {@link #memberKey} read last. */
    private int keyStart;

    /** After an object's '{': 1 when a member follows, 0 for an empty object ('}' consumed), -1 at the end of input. */
    private int objectStart() {
        if (!ws()) {
            return -1;
        }
        if (buf[pos] == '}') {
            pos++;
            return 0;
        }
        return 1;
    }

    /** A member's {@code "key" :} and the whitespace after it: the key's length ({@link #keyStart}), or -1. */
    private int memberKey() {
        if (!ws() || buf[pos] != '"') {
            return -1;
        }
        int k0 = pos + 1;
        int k1 = stringEnd(k0);
        if (k1 < 0) {
            return -1;
        }
        pos = k1 + 1;
        if (!colon() || !ws()) {
            return -1;
        }
        keyStart = k0;
        return k1 - k0;
    }

    /** After a member's value: 1 at a ',' (another member follows), 0 at the object's '}', -1 otherwise. */
    private int memberEnd() {
        if (!ws()) {
            return -1;
        }
        char c = buf[pos++];
        return c == ',' ? 1 : c == '}' ? 0 : -1;
    }

    /** [["p","q"], ...] into {@code into}; false on anything but that shape with valid values. */
    private boolean fastLevels(Levels into, boolean bidSide) {
        if (buf[pos] != '[') {
            return false;
        }
        pos++;
        if (!ws()) {
            return false;
        }
        if (buf[pos] == ']') {
            pos++;
            return true;
        }
        while (true) {
            if (!ws() || buf[pos] != '[') {
                return false;
            }
            pos++;
            double px = fastDecimal();
            if (Double.isNaN(px) || !(px > 0) || px == Double.POSITIVE_INFINITY) {
                return false;
            }
            if (!ws() || buf[pos] != ',') {
                return false;
            }
            pos++;
            double q = fastDecimal();
            if (Double.isNaN(q) || !(q >= 0) || q == Double.POSITIVE_INFINITY) {
                return false;
            }
            if (!ws() || buf[pos] != ']') {
                return false;
            }
            pos++;
            into.add(px, q);
            if (!ws()) {
                return false;
            }
            char c = buf[pos++];
            if (c == ']') {
                return true;
            }
            if (c != ',') {
                return false;
            }
        }
    }

    /** A quoted plain decimal ("61800.30"), or NaN when it is anything else. */
    private double fastDecimal() {
        if (!ws() || buf[pos] != '"') {
            return Double.NaN;
        }
        int d0 = ++pos;
        while (pos < end) {
            char c = buf[pos];
            if (c == '"') {
                break;
            }
            if ((c < '0' || c > '9') && c != '.') {
                return Double.NaN;
            }
            pos++;
        }
        if (pos >= end || pos == d0) {
            return Double.NaN;
        }
        int d1 = pos++;
        try {
            return Decimals.parse(buf, d0, d1 - d0);
        } catch (NumberFormatException ex) {
            return Double.NaN;
        }
    }

    /** A plain JSON integer of at most 18 digits; sets {@link #pos} to -1 when it is anything else. */
    private long plainLong() {
        int i = pos;
        boolean neg = false;
        if (i < end && buf[i] == '-') {
            neg = true;
            i++;
        }
        int d0 = i;
        long v = 0;
        while (i < end && buf[i] >= '0' && buf[i] <= '9') {
            v = v * 10 + (buf[i] - '0');
            i++;
        }
        int digits = i - d0;
        if (digits == 0 || digits > 18 || (digits > 1 && buf[d0] == '0')
                || (i < end && (buf[i] == '.' || buf[i] == 'e' || buf[i] == 'E'))) {
            pos = -1;
            return 0;
        }
        pos = i;
        return neg ? -v : v;
    }

    /** Skips a string without escapes, a plain integer, true, false or null. */
    private boolean skipScalar() {
        char c = buf[pos];
        if (c == '"') {
            int e1 = stringEnd(pos + 1);
            if (e1 < 0) {
                return false;
            }
            pos = e1 + 1;
            return true;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            plainLong();
            return pos >= 0;
        }
        return literal("true") || literal("false") || literal("null");
    }

    /** Skips JSON whitespace; false at the end of the input. */
    private boolean ws() {
        while (pos < end) {
            char c = buf[pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return true;
            }
            pos++;
        }
        return false;
    }

    private boolean colon() {
        if (!ws() || buf[pos] != ':') {
            return false;
        }
        pos++;
        return true;
    }

    /** The quoted key {@code k} at {@link #pos} (which is at its quote): consumed when it is that key. */
    private boolean match(String k) {
        int k0 = pos + 1;
        int k1 = stringEnd(k0);
        if (k1 < 0 || !isKey(k0, k1 - k0, k)) {
            return false;
        }
        pos = k1 + 1;
        return true;
    }

    private boolean key(String k) {
        return buf[pos] == '"' && match(k);
    }

    private boolean isKey(int off, int len, String k) {
        if (len != k.length()) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (buf[off + i] != k.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean literal(String word) {
        int len = word.length();
        if (pos + len > end) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (buf[pos + i] != word.charAt(i)) {
                return false;
            }
        }
        pos += len;
        return true;
    }

    private int stringEnd() {
        return stringEnd(pos);
    }

    /** The index of the closing quote of a string whose characters start at {@code from}; -1 for escapes, controls, no end. */
    private int stringEnd(int from) {
        for (int i = from; i < end; i++) {
            char c = buf[i];
            if (c == '"') {
                return i;
            }
            if (c == '\\' || c < 0x20) {
                return -1;
            }
        }
        return -1;
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
