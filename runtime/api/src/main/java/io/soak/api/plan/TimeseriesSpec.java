package io.soak.api.plan;

import java.util.Map;

/**
 * The time-series target.
 *
 * @param type     {@code file} (embedded default), {@code prometheus} (Pushgateway), {@code influxdb}, or {@code none}
 * @param url      base URL (no credentials), empty for {@code file}/{@code none}
 * @param required when true an unreachable target fails the preflight and the run; otherwise it is a warning
 * @param options  non-secret options (org, bucket, job, delete_on_finish, ...)
 * @param secrets  tokens and passwords: never logged, never written; {@link #toString()} hides them
 */
public record TimeseriesSpec(String type, String url, boolean required, Map<String, String> options,
                             Map<String, String> secrets) {

    public TimeseriesSpec {
        url = url == null ? "" : url;
        options = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(options));
        secrets = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(secrets));
    }

    public static TimeseriesSpec file() {
        return new TimeseriesSpec("file", "", false, Map.of(), Map.of());
    }

    /** The same spec with every secret value replaced by {@code ***}: the only form that may be written out. */
    public TimeseriesSpec redacted() {
        Map<String, String> hidden = new java.util.TreeMap<>();
        secrets.keySet().forEach(k -> hidden.put(k, "***"));
        return new TimeseriesSpec(type, url, required, options, hidden);
    }

    @Override
    public String toString() {
        return "TimeseriesSpec[type=" + type + ", url=" + url + ", required=" + required + ", options=" + options
                + ", secrets=" + secrets.keySet() + "]";
    }
}
