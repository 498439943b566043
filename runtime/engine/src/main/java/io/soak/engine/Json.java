package io.soak.engine;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The canonical JSON of the project: snake_case names, map keys sorted, records in declaration order,
 * durations as ISO-8601 strings. The same bytes for the same value in every run (rows, manifests).
 */
public final class Json {

    private Json() {
    }

    /** A raw message as its fields were written when it was a record (its attachment is not part of it). */
    private static final class RawMessageSerializer
            extends com.fasterxml.jackson.databind.ser.std.StdSerializer<io.soak.api.source.RawMessage> {
        RawMessageSerializer() {
            super(io.soak.api.source.RawMessage.class);
        }

        @Override
        public void serialize(io.soak.api.source.RawMessage m, com.fasterxml.jackson.core.JsonGenerator g,
                com.fasterxml.jackson.databind.SerializerProvider p) throws java.io.IOException {
            g.writeStartObject();
            g.writeNumberField("received_nanos", m.receivedNanos());
            g.writeStringField("text", m.text());
            g.writeEndObject();
        }
    }

    public static ObjectMapper canonical() {
        return JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
                .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
                .configure(MapperFeature.SORT_CREATOR_PROPERTIES_FIRST, true)
                .addModule(new com.fasterxml.jackson.databind.module.SimpleModule("soak-durations")
                        .addSerializer(java.time.Duration.class, new com.fasterxml.jackson.databind.ser.std.ToStringSerializer())
                        .addSerializer(io.soak.api.source.RawMessage.class, new RawMessageSerializer()))
                .build();
    }
}
