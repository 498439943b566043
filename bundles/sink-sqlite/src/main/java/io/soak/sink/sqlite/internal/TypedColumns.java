package io.soak.sink.sqlite.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Top-level fields of a row's canonical JSON, read and overwritten as text: the read-back writes a typed column's
 * value into the JSON when the two disagree (the JSON and the column then tell one story, the column's, which is
 * what SQL over the table sees), so verification finds the row as a content difference.
 */
final class TypedColumns {

    private TypedColumns() {
    }

    /** The JSON with the top-level {@code key}'s value replaced by {@code literal} (appended when absent). */
    static String overlay(String json, String key, String literal) {
        Pattern p = Pattern.compile("\"" + Pattern.quote(key) + "\":(\"(?:[^\"\\\\]|\\\\.)*\"|[^,}\\]]*)");
        Matcher m = p.matcher(json);
        if (m.find()) {
            return json.substring(0, m.start(1)) + literal + json.substring(m.end(1));
        }
        int end = json.lastIndexOf('}');
        if (end < 0) {
            return json;
        }
        return json.substring(0, end) + (end > 1 ? "," : "") + "\"" + key + "\":" + literal + json.substring(end);
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
