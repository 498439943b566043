package io.soak.transport.kafka;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Records of the pipeline topics on Kafka: the value is the payload as JSON (api records: market events,
 * decisions, orders, fills, minute statistics), the key its symbol (one symbol's events stay on one partition,
 * in order), and headers carry the engine's seq ({@code soak.seq}), the engine time ({@code soak.time}), the
 * payload's class ({@code soak.type}) and the node that published it ({@code soak.node}).
 *
 * <p>Only classes of {@code io.soak.api.} and {@code java.lang.} are decoded: a record names its type, and the
 * bus must not instantiate anything else.
 */
final class Codec {

    static final String SEQ = "soak.seq";
    static final String TIME = "soak.time";
    static final String TYPE = "soak.type";
    static final String NODE = "soak.node";

    private final ObjectMapper json = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final ConcurrentHashMap<String, Class<?>> types = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Class<?>, RecordComponent> symbolOf = new ConcurrentHashMap<>();

    byte[] value(Object payload) {
        try {
            return json.writeValueAsBytes(payload);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode " + payload.getClass().getName() + ": " + e.getMessage(), e);
        }
    }

    Object decode(String type, byte[] value) throws IOException {
        Class<?> c = types.get(type);
        if (c == null) {
            if (!type.startsWith("io.soak.api.") && !type.startsWith("java.lang.")) {
                throw new IOException("refusing payload type " + type + " (only io.soak.api.* and java.lang.*)");
            }
            try {
                c = Class.forName(type, false, Codec.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IOException("unknown payload type " + type);
            }
            types.put(type, c);
        }
        return json.readValue(value, c);
    }

    /** The payload's {@code symbol} record component (null when it has none): the partition key. */
    String symbol(Object payload) {
        Class<?> c = payload.getClass();
        if (!c.isRecord()) {
            return null;
        }
        RecordComponent rc = symbolOf.computeIfAbsent(c, k -> {
            for (RecordComponent r : k.getRecordComponents()) {
                if (r.getName().equals("symbol") && r.getType() == String.class) {
                    return r;
                }
            }
            return Dummy.NO_SYMBOL;
        });
        if (rc == Dummy.NO_SYMBOL) {
            return null;
        }
        try {
            return (String) rc.getAccessor().invoke(payload);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /** A marker for "this record type has no symbol". */
    private record Dummy(String symbol) {
        static final RecordComponent NO_SYMBOL = Dummy.class.getRecordComponents()[0];
    }

    static byte[] longBytes(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    static long longHeader(Headers h, String key, long fallback) {
        Header x = h.lastHeader(key);
        return x == null || x.value() == null || x.value().length != 8 ? fallback : ByteBuffer.wrap(x.value()).getLong();
    }

    static String stringHeader(Headers h, String key) {
        Header x = h.lastHeader(key);
        return x == null || x.value() == null ? null : new String(x.value(), StandardCharsets.UTF_8);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
