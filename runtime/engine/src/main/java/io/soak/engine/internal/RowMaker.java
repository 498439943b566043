package io.soak.engine.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.sink.Row;
import io.soak.api.stage.Envelope;
import java.lang.reflect.RecordComponent;

/**
 * Serialises an envelope once into the {@link Row} every sink gets: canonical JSON with {@code run_id},
 * {@code topic}, {@code seq} first, then the payload's fields (snake_case, declaration order).
 */
final class RowMaker {

    private final ObjectMapper json;
    private final String runId;
    private final String runIdJson;

    /** How to read event time and symbol of a payload class (record components looked up once). */
    private record Accessors(java.lang.reflect.Method time, java.lang.reflect.Method symbol) {
    }

    private final ClassValue<Accessors> accessors = new ClassValue<>() {
        @Override
        protected Accessors computeValue(Class<?> type) {
            java.lang.reflect.Method time = null;
            java.lang.reflect.Method symbol = null;
            if (type.isRecord()) {
                for (String name : new String[] {"tsMs", "eventTimeMs", "minuteStartMs"}) {
                    for (RecordComponent c : type.getRecordComponents()) {
                        if (time == null && c.getName().equals(name) && c.getType() == long.class) {
                            time = c.getAccessor();
                        }
                    }
                }
                for (RecordComponent c : type.getRecordComponents()) {
                    if (c.getName().equals("symbol") && c.getType() == String.class) {
                        symbol = c.getAccessor();
                    }
                }
            }
            if (time != null) {
                time.setAccessible(true);
            }
            if (symbol != null) {
                symbol.setAccessible(true);
            }
            return new Accessors(time, symbol);
        }
    };

    RowMaker(ObjectMapper json, String runId) {
        this.json = json;
        this.runId = runId;
        try {
            this.runIdJson = json.writeValueAsString(runId);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    Row row(Envelope e) {
        Object p = e.payload();
        String body;
        try {
            body = json.writeValueAsString(p);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot serialise " + p.getClass().getName() + " on topic " + e.topic(), ex);
        }
        StringBuilder sb = new StringBuilder(body.length() + 64);
        sb.append("{\"run_id\":").append(runIdJson).append(",\"topic\":\"").append(e.topic()).append("\",\"seq\":")
                .append(e.seq());
        if (body.startsWith("{") && body.length() > 2) {
            sb.append(',').append(body, 1, body.length());
        } else if (body.startsWith("{")) {
            sb.append('}');
        } else {
            sb.append(",\"value\":").append(body).append('}');
        }
        long timeMs = e.timeNanos() / 1_000_000L;
        String symbol = "";
        Accessors a = accessors.get(p.getClass());
        try {
            if (a.time() != null) {
                timeMs = (long) a.time().invoke(p);
            }
            if (a.symbol() != null) {
                Object s = a.symbol().invoke(p);
                symbol = s == null ? "" : s.toString();
            }
        } catch (ReflectiveOperationException ex) {
            throw new IllegalStateException(ex);
        }
        return new Row(runId, e.topic(), e.seq(), timeMs, symbol, sb.toString());
    }
}
