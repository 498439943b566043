package io.soak.sink.jsonl.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The identity fields of one persisted line ({@code run_id}, {@code seq}, {@code ts_ms}, {@code symbol}), read
 * with the streaming parser without building the whole value. A line that is not a complete JSON object is not a
 * row.
 *
 * @param symbol the row's top-level {@code symbol} string, or empty when it has none (or null)
 */
record LineHeader(String runId, long seq, long tsMs, String symbol) {

    static final long NO_TS = Long.MIN_VALUE;

    /** The header of {@code line}, or null when the line is not a complete row (torn write). */
    static LineHeader parse(JsonFactory json, String line) {
        if (line.isEmpty() || line.charAt(0) != '{' || line.charAt(line.length() - 1) != '}') {
            return null;
        }
        try (JsonParser p = json.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String runId = null;
            long seq = -1;
            long ts = NO_TS;
            String symbol = "";
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "run_id" -> runId = p.getText();
                    case "seq" -> seq = p.getLongValue();
                    case "ts_ms" -> ts = v.isNumeric() ? p.getLongValue() : ts;
                    case "symbol" -> {
                        if (v == JsonToken.VALUE_STRING) {
                            symbol = p.getText();
                        } else {
                            p.skipChildren(); // null, or not a symbol: the row has none
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || seq < 0) {
                return null;
            }
            return new LineHeader(runId, seq, ts, symbol);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
