package io.soak.dsl.internal;

import io.soak.api.plan.TimeseriesSpec;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** {@code timeseries { }}: the time-series target (exporter type, URL, options; secrets kept apart). */
public final class TimeseriesContext extends BlockContext {

    private String type;
    private String url;
    private Boolean required;
    private final Map<String, String> options = new TreeMap<>();
    private final Map<String, String> secrets = new TreeMap<>();

    TimeseriesContext(Evaluation eval) {
        super(eval, "soak.timeseries", "timeseries { }");
    }

    @Override
    String hint(String setting) {
        return switch (setting) {
            case "option" -> "option 'job', 'soak'";
            case "secret" -> "secret 'token', env('INFLUX_TOKEN')";
            default -> null;
        };
    }

    /** {@code file} (default), {@code prometheus} (Pushgateway), {@code influxdb}, {@code none}, or an exporter a bundle provides. */
    public void type(Object v) {
        enter("type");
        String t = Values.text(field("type"), v).toLowerCase(Locale.ROOT);
        if (!SoakContext.COMPONENT.matcher(t).matches()) {
            throw new DslError(field("type") + " is not an exporter type, got " + Values.show(v));
        }
        type = t;
    }

    /** Base URL, without credentials (put tokens in {@code secret}). */
    public void url(Object v) {
        enter("url");
        url = checkUrl(field("url"), Values.text(field("url"), v));
    }

    static String checkUrl(String field, String u) {
        URI uri;
        try {
            uri = new URI(u);
        } catch (URISyntaxException e) {
            throw new DslError(field + " is not a URL, got " + Values.show(redact(u)));
        }
        if (uri.getRawUserInfo() != null) {
            throw new DslError(field + " must not hold credentials (use secret 'token', env('...')), got "
                    + Values.show(redact(u)));
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new DslError(field + " must be an http:// or https:// URL with a host, got " + Values.show(u));
        }
        return u;
    }

    private static String redact(String u) {
        return u.replaceAll("//[^/@]*@", "//***@");
    }

    /** When true an unreachable target fails the preflight and the run; otherwise it is a warning (default). */
    public void required(Object v) {
        enter("required");
        required = Values.bool(field("required"), v);
    }

    /** A non-secret option (for example {@code org}, {@code bucket}, {@code job}, {@code delete_on_finish}). */
    public void option(Object key, Object value) {
        enter("option");
        String k = Values.text(field("option"), key);
        if (value == null) {
            options.remove(k);
        } else {
            options.put(k, String.valueOf(Values.plain(field("option") + "('" + k + "')", value)));
        }
    }

    public void org(Object v) {
        enter("org");
        option("org", v);
    }

    public void bucket(Object v) {
        enter("bucket");
        option("bucket", v);
    }

    public void job(Object v) {
        enter("job");
        option("job", v);
    }

    /** A token or password: never logged or written; a null or empty value (unset variable) adds nothing. */
    public void secret(Object key, Object value) {
        enter("secret");
        String k = Values.text(field("secret"), key);
        if (value != null && !value.toString().isEmpty()) {
            secrets.put(k, value.toString());
        }
    }

    TimeseriesSpec build() {
        String t = type == null ? "file" : type;
        if ((t.equals("prometheus") || t.equals("influxdb")) && url == null) {
            throw invalid(used("type") ? "type" : "url", "'" + t + "' needs url '...' (for example url env('TIMESERIES_URL', 'http://127.0.0.1:9091'))");
        }
        return new TimeseriesSpec(t, url, required != null && required, options, secrets);
    }
}
