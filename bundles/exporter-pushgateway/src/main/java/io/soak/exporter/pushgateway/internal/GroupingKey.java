package io.soak.exporter.pushgateway.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * The Pushgateway grouping key as a URL path: {@code /metrics/job/<job>/<label>/<value>...}. A value containing
 * {@code /} (or empty) goes in as {@code <label>@base64/<url-safe base64>}; others are percent-encoded.
 */
final class GroupingKey {

    private GroupingKey() {
    }

    static String path(String job, Map<String, String> labels) {
        StringBuilder b = new StringBuilder("/metrics");
        segment(b, "job", job);
        labels.forEach((k, v) -> segment(b, k, v));
        return b.toString();
    }

    private static void segment(StringBuilder b, String name, String value) {
        if (value.isEmpty() || value.contains("/")) {
            b.append('/').append(name).append("@base64/")
                    .append(Base64.getUrlEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
        } else {
            b.append('/').append(name).append('/').append(percent(value));
        }
    }

    private static String percent(String s) {
        StringBuilder b = new StringBuilder();
        for (byte by : s.getBytes(StandardCharsets.UTF_8)) {
            int c = by & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }
}
