package io.soak.engine.internal;

import io.soak.api.plan.Mode;
import io.soak.api.stage.Settings;
import io.soak.api.stage.StageContext;
import io.soak.api.stage.StageMetrics;
import io.soak.api.time.Cancellable;
import io.soak.api.time.Clock;
import io.soak.api.time.Scheduler;
import java.nio.file.Path;

/**
 * The context of one stage instance (one generation of a {@link StageSlot}): emissions buffered per event and
 * published through the bus after the event, discarded once the instance is dead; its timers run on the
 * stage's runner (threaded) or the simulation driver.
 */
final class InstanceContext implements StageContext, Scheduler {
    final StageSlot slot;
    final int g;
    volatile boolean dead;
    boolean handling;
    private String[] topics = new String[8];
    private Object[] payloads = new Object[8];
    private int count;

    InstanceContext(StageSlot slot, int g) {
        this.slot = slot;
        this.g = g;
    }

    @Override
    public String stageName() {
        return slot.name;
    }

    @Override
    public String runId() {
        return slot.engine.runId();
    }

    @Override
    public Mode mode() {
        return slot.engine.plan.mode();
    }

    @Override
    public long seed() {
        return slot.engine.plan.seed();
    }

    @Override
    public Clock clock() {
        return slot.engine.clock;
    }

    @Override
    public Scheduler scheduler() {
        return this;
    }

    @Override
    public Settings config() {
        return slot.config;
    }

    @Override
    public StageMetrics metrics() {
        return slot.metrics;
    }

    @Override
    public Path runDirectory() {
        return slot.engine.runDirectory();
    }

    @Override
    public void emit(String topic, Object payload) {
        if (dead) {
            return;
        }
        if (topic == null || payload == null) {
            throw new IllegalArgumentException("emit needs a topic and a payload, got " + topic + ", " + payload);
        }
        if (count == topics.length) {
            topics = java.util.Arrays.copyOf(topics, count * 2);
            payloads = java.util.Arrays.copyOf(payloads, count * 2);
        }
        topics[count] = topic;
        payloads[count] = payload;
        count++;
    }

    void discard() {
        java.util.Arrays.fill(payloads, 0, count, null);
        count = 0;
    }

    /** Publishes what was emitted, in order. */
    void flush() throws InterruptedException {
        int n = count;
        if (n == 0) {
            return;
        }
        count = 0;
        slot.originK = 0; // cluster mode: index of each emission of this event (derived seq)
        Transport bus = slot.engine.bus;
        for (int i = 0; i < n; i++) {
            Object p = payloads[i];
            payloads[i] = null;
            bus.publish(slot, topics[i], p);
        }
    }

    // Scheduler: timers of this instance, run on the stage's runner

    @Override
    public Cancellable schedule(long delayNanos, Runnable task) {
        if (delayNanos < 0) {
            throw new IllegalArgumentException("delay must be >= 0, got " + delayNanos);
        }
        return scheduleAt(slot.engine.clock.nanos() + delayNanos, task);
    }

    @Override
    public Cancellable scheduleAt(long epochNanos, Runnable task) {
        return slot.engine.driver.stageTimer(slot, this, epochNanos, 0, task);
    }

    @Override
    public Cancellable scheduleAtFixedRate(long initialDelayNanos, long periodNanos, Runnable task) {
        if (periodNanos <= 0) {
            throw new IllegalArgumentException("period must be > 0, got " + periodNanos);
        }
        return slot.engine.driver.stageTimer(slot, this, slot.engine.clock.nanos() + Math.max(0, initialDelayNanos),
                periodNanos, task);
    }
}
