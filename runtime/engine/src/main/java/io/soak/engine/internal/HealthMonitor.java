package io.soak.engine.internal;

import io.soak.api.stage.HealthReport;
import io.soak.api.stage.HealthState;
import io.soak.engine.RunExtension;
import io.soak.engine.RunStatus;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The health tick (control thread, every {@code health.interval}): each stage is healthy, degraded or
 * unhealthy from its observed state, progress, queue depth and its own {@code health()}; a tick is green when
 * every stage is healthy. Keeps the tick history and the resource samples, tells the extensions, refreshes
 * the manifest. Also the run's {@link RunStatus}.
 */
final class HealthMonitor {

    private static final int HISTORY_LIMIT = 10_000;
    private static final int HISTORY_IN_MANIFEST = 1_000;

    private final Engine engine;
    private final ArrayDeque<Map<String, Object>> history = new ArrayDeque<>();
    private long ticks;
    private long greenTicks;
    final ResourceSampler resources = new ResourceSampler();

    HealthMonitor(Engine engine) {
        this.engine = engine;
    }

    Duration interval() {
        return engine.plan.healthInterval() == null ? Duration.ofSeconds(10) : engine.plan.healthInterval();
    }

    /** One health tick. */
    void tick() {
        long now = engine.clock.nanos();
        long hb = engine.policy.heartbeatTimeout().toNanos();
        boolean green = true;
        Map<String, Object> perStage = new LinkedHashMap<>();
        for (StageSlot s : engine.slots) {
            HealthRecord rec = s.health;
            HealthState h = HealthState.HEALTHY;
            String detail = "";
            int depth = s.inbox.size();
            s.inbox.sampleDepth();
            int backlog = s.backlog();
            switch (s.state) {
                case FAILED -> {
                    h = HealthState.UNHEALTHY;
                    detail = "failed: gave up after " + engine.policy.maxRestarts() + " restarts";
                }
                case RUNNING -> {
                    long age = now - s.lastProgress;
                    if (backlog > 0 && age > hb) {
                        h = HealthState.UNHEALTHY;
                        detail = "no progress for " + age / 1_000_000L + " ms";
                    } else if (backlog > 0 && age > hb / 2) {
                        h = HealthState.DEGRADED;
                        detail = "slow: no progress for " + age / 1_000_000L + " ms";
                    }
                    if (depth >= s.inbox.capacity() * 9L / 10) {
                        h = h.worst(HealthState.DEGRADED);
                        detail = join(detail, "queue " + depth + "/" + s.inbox.capacity());
                    } else if (depth > s.inbox.capacity() / 2 && depth > rec.depthAtLastTick) {
                        h = h.worst(HealthState.DEGRADED);
                        detail = join(detail, "queue growing: " + depth);
                    }
                    if (s.hangUntil > now) {
                        h = HealthState.UNHEALTHY;
                        detail = join(detail, "runner not responding");
                    } else {
                        HealthReport r = s.onRunner(s::stageHealth, 250);
                        if (r == null && s.waitingDownstream) {
                            h = h.worst(HealthState.DEGRADED);
                            detail = join(detail, "waiting on downstream backpressure");
                        } else if (r == null) {
                            h = HealthState.UNHEALTHY;
                            detail = join(detail, "runner did not answer the health check");
                        } else if (r.state() != HealthState.HEALTHY) {
                            h = h.worst(r.state());
                            detail = join(detail, r.detail());
                        }
                    }
                }
                default -> {
                    h = HealthState.DEGRADED;
                    detail = s.state.id();
                }
            }
            long errs = s.sup.errors;
            if (errs > rec.errorsAtLastTick) {
                h = h.worst(HealthState.DEGRADED);
                detail = join(detail, (errs - rec.errorsAtLastTick) + " failures since the last tick");
            }
            rec.errorsAtLastTick = errs;
            rec.depthAtLastTick = depth;
            rec.ticks++;
            if (h == HealthState.HEALTHY) {
                rec.greenTicks++;
            } else {
                green = false;
            }
            rec.last = h;
            rec.lastDetail = detail;
            perStage.put(s.name, h.name().toLowerCase());
        }
        ticks++;
        if (green) {
            greenTicks++;
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("at", Records.iso(now));
        entry.put("green", green);
        entry.put("stages", perStage);
        history.addLast(entry);
        if (history.size() > HISTORY_LIMIT) {
            history.pollFirst();
        }
        resources.sample();
        engine.baseline.sampleBooks(now - engine.startNanos, engine.metrics("harvest").factValue("books"));
        RunStatus st = status();
        for (RunExtension x : engine.extensions) {
            try {
                x.onHealthTick(engine.runContext, st);
            } catch (RuntimeException e) {
                engine.extensionErrors.put(x.name(), "onHealthTick: " + StageSlot.oneLine(e));
                Engine.LOG.warn("extension {} failed on a health tick: {}", x.name(), StageSlot.oneLine(e));
            }
        }
        engine.manifest.refresh(false);
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : a + "; " + b;
    }

    /** The run's status now (any thread). */
    RunStatus status() {
        long now = engine.clock == null ? 0 : engine.clock.nanos();
        List<RunStatus.StageStatus> st = new ArrayList<>();
        for (StageSlot s : engine.slots) {
            st.add(new RunStatus.StageStatus(s.name, s.hangUntil > now && s.running() ? "hung" : s.state.id(),
                    s.health.last, s.health.lastDetail, s.sup.restartCount, s.backlog(), s.handled));
        }
        return new RunStatus(now / 1_000_000L, st, engine.bus.rawDropped(), new RunStatus.Resources(
                ResourceSampler.round1(resources.rssMb), ResourceSampler.round1(resources.maxRssMb), resources.openFiles,
                resources.maxOpenFiles, resources.threads, resources.maxThreads));
    }

    static double ratio(long green, long all) {
        return all == 0 ? 1.0 : Math.round((double) green / all * 10000.0) / 10000.0;
    }

    /** The manifest's {@code health} section. */
    Map<String, Object> tree() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("interval_s", interval().toMillis() / 1000.0);
        h.put("ticks", ticks);
        h.put("green_ticks", greenTicks);
        h.put("green_ratio", ratio(greenTicks, ticks));
        h.put("green_definition", "a tick is green when every stage is healthy at that tick");
        Map<String, Object> per = new LinkedHashMap<>();
        for (StageSlot s : engine.slots) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("ticks", s.health.ticks);
            p.put("green_ticks", s.health.greenTicks);
            p.put("green_ratio", ratio(s.health.greenTicks, s.health.ticks));
            per.put(s.name, p);
        }
        h.put("per_stage", per);
        List<Map<String, Object>> hist = new ArrayList<>(history);
        if (hist.size() > HISTORY_IN_MANIFEST) {
            hist = hist.subList(hist.size() - HISTORY_IN_MANIFEST, hist.size());
        }
        h.put("history", hist);
        h.put("history_truncated", ticks > hist.size());
        return h;
    }
}
