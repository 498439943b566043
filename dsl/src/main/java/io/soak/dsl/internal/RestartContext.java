package io.soak.dsl.internal;

import io.soak.api.plan.RestartPolicy;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** {@code restart { }}: the restart policy of failed stages (exponential backoff, give-up window, heartbeat). */
public final class RestartContext extends BlockContext {

    private final RestartPolicy d = RestartPolicy.defaults();
    private Duration initial = d.initialBackoff();
    private double multiplier = d.multiplier();
    private Duration maxBackoff = d.maxBackoff();
    private int maxRestarts = d.maxRestarts();
    private Duration window = d.window();
    private Duration heartbeat = d.heartbeatTimeout();

    RestartContext(Evaluation eval) {
        super(eval, "soak.restart", "restart { }");
    }

    @Override
    String hint(String setting) {
        return switch (setting) {
            case "backoff" -> "backoff 500.millis, multiplier: 2, max: 8.seconds";
            case "giveUpAfter" -> "giveUpAfter 5, within: 10.minutes";
            default -> null;
        };
    }

    /** {@code backoff 500.millis, multiplier: 2, max: 8.seconds}. */
    public void backoff(Map<String, Object> opts, Object first) {
        enter("backoff");
        options("backoff", opts, Set.of("multiplier", "max"));
        initial = Values.positiveDuration(field("backoff"), first);
        if (opts.containsKey("multiplier")) {
            multiplier(opts.get("multiplier"));
        }
        if (opts.containsKey("max")) {
            maxBackoff(opts.get("max"));
        }
    }

    public void backoff(Object first) {
        backoff(Map.of(), first);
    }

    public void multiplier(Object v) {
        enter("multiplier");
        double m = Values.number(field("multiplier"), v);
        if (m < 1.0) {
            throw new DslError(field("multiplier") + " must be >= 1, got " + Values.show(v));
        }
        multiplier = m;
    }

    public void maxBackoff(Object v) {
        enter("maxBackoff");
        maxBackoff = Values.positiveDuration(field("maxBackoff"), v);
    }

    /** {@code giveUpAfter 5, within: 10.minutes}: restarts allowed in the window before the stage is marked unhealthy. */
    public void giveUpAfter(Map<String, Object> opts, Object restarts) {
        enter("giveUpAfter");
        options("giveUpAfter", opts, Set.of("within"));
        long n = Values.integer(field("giveUpAfter"), restarts);
        if (n < 1 || n > 10_000) {
            throw new DslError(field("giveUpAfter") + " must be 1..10000, got " + Values.show(restarts));
        }
        maxRestarts = (int) n;
        if (opts.containsKey("within")) {
            window(opts.get("within"));
        }
    }

    public void giveUpAfter(Object restarts) {
        giveUpAfter(Map.of(), restarts);
    }

    public void window(Object v) {
        enter("window");
        window = Values.positiveDuration(field("window"), v);
    }

    /** A stage whose runner shows no progress for this long while it has work is treated as failed. */
    public void heartbeatTimeout(Object v) {
        enter("heartbeatTimeout");
        heartbeat = Values.positiveDuration(field("heartbeatTimeout"), v);
    }

    private void options(String setting, Map<String, Object> opts, Set<String> known) {
        for (String k : opts.keySet()) {
            if (!known.contains(k)) {
                throw new DslError("unknown option '" + k + ":' of " + field(setting) + "; known: " + String.join(", ", new java.util.TreeSet<>(known)));
            }
        }
    }

    RestartPolicy build() {
        if (maxBackoff.compareTo(initial) < 0) {
            throw invalid(used("maxBackoff") ? "maxBackoff" : "backoff", "must be >= the initial backoff "
                    + Values.format(initial) + ", got max " + Values.format(maxBackoff));
        }
        return new RestartPolicy(initial, multiplier, maxBackoff, maxRestarts, window, heartbeat);
    }
}
