package io.soak.dsl.internal;

import java.time.Duration;

/** {@code health { }}: how often the engine checks every stage. */
public final class HealthContext extends BlockContext {

    private Duration interval;

    HealthContext(Evaluation eval) {
        super(eval, "soak.health", "health { }");
    }

    public void interval(Object v) {
        enter("interval");
        interval = Values.positiveDuration(field("interval"), v);
    }

    Duration build() {
        return interval == null ? Defaults.HEALTH_INTERVAL : interval;
    }
}
