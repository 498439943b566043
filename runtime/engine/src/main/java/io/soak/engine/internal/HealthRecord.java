package io.soak.engine.internal;

import io.soak.api.stage.HealthState;

/** What the {@link HealthMonitor} keeps of one stage between ticks (control thread only). */
final class HealthRecord {
    long ticks;
    long greenTicks;
    HealthState last = HealthState.HEALTHY;
    String lastDetail = "";
    int depthAtLastTick;
    long errorsAtLastTick;
}
