package io.soak.sink.sqlite.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Top-level fields of a row's canonical JSON, read as the read-back compares them with the typed columns, and the
 * marker it adds to a row whose columns disagree with its JSON.
 */
final class TypedColumns {

    private TypedColumns() {
    }

    /** The JSON with a last top-level field {@code "sqlite_columns_disagree": {column: stored literal, …}}. */
    static String withDisagreement(String json, java.util.Map<String, String> columns) {
        int end = json.lastIndexOf('}');
        if (end < 0) {
            return json + " sqlite_columns_disagree " + columns;
        }
        StringBuilder sb = new StringBuilder(json.substring(0, end));
        sb.append(end > 1 ? "," : "").append("\"sqlite_columns_disagree\":{");
        boolean first = true;
        for (java.util.Map.Entry<String, String> e : columns.entrySet()) {
            sb.append(first ? "" : ",").append('"').append(e.getKey()).append("\":").append(e.getValue());
            first = false;
        }
        return sb.append('}').append(json.substring(end)).toString();
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static Long longField(JsonFactory json, String text, String key) {
        Object v = field(json, text, key);
        return v instanceof Long l ? l : null;
    }

    static String stringField(JsonFactory json, String text, String key) {
        Object v = field(json, text, key);
        return v instanceof String s ? s : null;
    }

    /** A top-level scalar field (Long for integers, String for strings), or null. */
    private static Object field(JsonFactory json, String text, String key) {
        try (JsonParser p = json.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (name.equals(key)) {
                    if (v == JsonToken.VALUE_NUMBER_INT) {
                        return p.getLongValue();
                    }
                    return v == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
