package io.soak.engine.internal;

import io.soak.api.plan.RestartPolicy;
import io.soak.api.stage.Stage;
import io.soak.api.stage.StageFactory;
import io.soak.engine.Registry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the stages running (control thread, except where noted): launches instances, applies the restart
 * policy when one dies (backoff, give up after maxRestarts within the window), restarts stalled ones (the
 * heartbeat watchdog), and hot-swaps a stage when its factory goes and comes back or a new version is
 * registered over it (snapshot of the live instance, restored into the new one before any event).
 * Compare Kafka Connect's {@code Worker} (instances) under the {@code Herder} (the {@link Engine}).
 */
final class Supervisor {

    private final Engine engine;
    private final RestartPolicy policy;
    /** Every backoff applied, in order (the manifest's restart_backoff_pattern). */
    final List<Long> backoffPattern = new ArrayList<>();
    /** Crash and hang faults waiting for the restart they cause. */
    private final Map<StageSlot, Records.Fault> watchedFaults = new HashMap<>();

    Supervisor(Engine engine) {
        this.engine = engine;
        this.policy = engine.policy;
    }

    /** Creates and starts a new instance of {@code slot}'s stage. */
    void launchInstance(StageSlot slot, byte[] restore) {
        // the factory the registry events left in the slot (set up from the registry at the start)
        StageFactory f = (StageFactory) slot.factory;
        if (f == null) {
            slot.state = StageState.WAITING_FACTORY;
            return;
        }
        Stage stage;
        try {
            stage = f.create();
        } catch (RuntimeException e) {
            stageDied(slot, slot.gen, "create failed: " + StageSlot.oneLine(e), e);
            return;
        }
        int g = slot.gen;
        InstanceContext c = new InstanceContext(slot, g);
        slot.ctx = c;
        slot.instance = stage;
        slot.state = StageState.STARTING;
        engine.driver.launch(slot, g, stage, c, restore);
    }

    /** Starts an instance on its runner (threaded) or inline (simulation); false when it failed. */
    boolean startInstance(StageSlot slot, int g, Stage stage, InstanceContext c, byte[] restore) {
        try {
            stage.start(c);
            if (restore != null) {
                stage.restore(restore);
            }
            c.flush();
        } catch (Throwable t) {
            c.discard();
            stageDied(slot, g, "start failed: " + StageSlot.oneLine(t), t);
            return false;
        }
        synchronized (slot) {
            if (slot.gen != g) {
                return false;
            }
            slot.state = StageState.RUNNING;
        }
        slot.lastProgress = engine.clock.nanos();
        if (slot.sup.pendingRecovery != null && slot.backlog() == 0) {
            recovered(slot);
        }
        return true;
    }

    /** An instance died (any thread): invalidate it and let the control thread apply the restart policy. */
    void stageDied(StageSlot slot, int g, String cause, Throwable t) {
        if (!slot.invalidate(g)) {
            return;
        }
        slot.sup.errors++;
        slot.state = StageState.RESTARTING;
        slot.metrics.increment("crashes");
        Engine.LOG.warn("stage {} died ({}); applying the restart policy", slot.name, cause);
        if (t != null && !(t instanceof StageSlot.InjectedCrash)) {
            Engine.LOG.debug("stage {} failure", slot.name, t);
        }
        engine.control.onControl(() -> scheduleRestart(slot, cause, watchedFaults.remove(slot)));
    }

    /** Links a crash or hang fault to the restart it causes (if any). */
    void watch(StageSlot s, Records.Fault rec) {
        watchedFaults.put(s, rec);
    }

    /** Restart with backoff, or give up after maxRestarts within the window. */
    void scheduleRestart(StageSlot slot, String cause, Records.Fault fault) {
        if (engine.phase == Engine.Phase.DONE) {
            return;
        }
        SupervisionRecord sup = slot.sup;
        long now = engine.clock.nanos();
        long window = policy.window().toNanos();
        while (!sup.restartTimes.isEmpty() && sup.restartTimes.peekFirst() < now - window) {
            sup.restartTimes.pollFirst();
        }
        if (sup.restartTimes.size() >= policy.maxRestarts()) {
            slot.state = StageState.FAILED;
            Records.Restart r = new Records.Restart(sup.restartCount + 1, cause, 0, now, true);
            synchronized (sup.restarts) {
                sup.restarts.add(r);
            }
            if (fault != null) {
                fault.effect += "; gave up: " + policy.maxRestarts() + " restarts within " + policy.window();
            }
            Engine.LOG.error("stage {} failed: {} restarts within {}; giving up", slot.name, policy.maxRestarts(),
                    policy.window());
            return;
        }
        int n = sup.restartTimes.size() + 1;
        long backoffMs = policy.backoff(n).toMillis();
        sup.restartTimes.addLast(now);
        sup.restartCount++;
        backoffPattern.add(backoffMs);
        Records.Restart r = new Records.Restart(sup.restartCount, cause, backoffMs, now, false);
        r.fault = fault;
        synchronized (sup.restarts) {
            sup.restarts.add(r);
        }
        pending(sup, r);
        sup.restartTimer = engine.control.timer(now + backoffMs * 1_000_000L, 0, TimerQueue.PRIO_NORMAL, () -> {
            if (engine.phase != Engine.Phase.DONE && slot.state == StageState.RESTARTING) {
                launchInstance(slot, null);
            }
        });
    }

    /** The restarted instance handles events again (its runner, or the driver). */
    void recovered(StageSlot slot) {
        SupervisionRecord sup = slot.sup;
        Records.Restart r = sup.pendingRecovery;
        if (r == null) {
            return;
        }
        sup.pendingRecovery = null;
        r.recoveredNanos = engine.clock.nanos();
        long ms = r.recoveryMs();
        synchronized (sup.restarts) {
            sup.maxRecoveryMs = Math.max(sup.maxRecoveryMs, ms);
        }
        if (r.fault != null) {
            r.fault.endNanos = r.recoveredNanos;
            r.fault.effect += "; recovered in " + ms + " ms";
        }
    }

    /** Heartbeat stalls: a running stage with work that made no progress for heartbeatTimeout. */
    void watchdog() {
        long now = engine.clock.nanos();
        long hb = policy.heartbeatTimeout().toNanos();
        for (StageSlot s : engine.slots) {
            if (s.running() && now - s.lastProgress > hb && s.backlog() > 0) {
                long age = (now - s.lastProgress) / 1_000_000L;
                Engine.LOG.warn("stage {} made no progress for {} ms with {} events waiting", s.name, age, s.backlog());
                s.metrics.increment("heartbeat_stalls");
                if (s.invalidate(s.gen)) {
                    s.sup.errors++;
                    s.state = StageState.RESTARTING;
                    s.hangUntil = 0;
                    scheduleRestart(s, "heartbeat_stall (" + age + " ms)", watchedFaults.remove(s));
                }
            }
        }
    }

    /**
     * Registry events (any thread) are acted on one by one on the control thread, in the order they happened,
     * each with the factory it names (never by looking at the registry later: a bundle that is back before the
     * control thread gets here must still count as removed and re-added).
     */
    /** Stage kinds whose bundle a {@code swap} fault with a jar is updating now: their removal needs no revival. */
    final java.util.Set<String> installing = java.util.concurrent.ConcurrentHashMap.newKeySet();

    void onRegistryChange(Registry.Change change) {
        if (!Registry.STAGE.equals(change.category()) || !engine.slotByName.containsKey(change.key())) {
            return;
        }
        engine.control.post(() -> {
            if (engine.phase != Engine.Phase.RUNNING && engine.phase != Engine.Phase.STOPPING) {
                return;
            }
            StageSlot s = engine.slotByName.get(change.key());
            if (change.added()) {
                factoryAdded(s, change.factory());
            } else {
                factoryRemoved(s, change.factory());
            }
        });
    }

    /** The factory in use left: snapshot the live instance (if any), drop it, wait for a factory of the kind. */
    private void factoryRemoved(StageSlot s, Object removed) {
        if (removed != s.factory) {
            return; // not the one in use (an older version already replaced)
        }
        SupervisionRecord sup = s.sup;
        long now = engine.clock.nanos();
        boolean wasRunning = s.running();
        byte[] snap = wasRunning ? snapshotAndInvalidate(s) : null;
        s.invalidate(s.gen);
        s.hangUntil = 0; // the next instance is not hung
        if (snap == null && sup.swapSnapshot != null) {
            snap = sup.swapSnapshot; // removed again before the restored instance could run: keep the older state
        }
        StageState before = s.state;
        s.state = StageState.WAITING_FACTORY;
        s.factory = null;
        sup.swapSnapshot = snap;
        sup.swapPending = true;
        Records.Fault f = new Records.Fault("swap", s.name, now, Map.of(),
                "factory removed" + (snap == null ? "" : "; snapshot of " + snap.length + " bytes taken"));
        engine.faults.record(f);
        sup.restartCount++;
        Records.Restart r = new Records.Restart(sup.restartCount, "factory_removed", 0, now, false);
        r.fault = f;
        synchronized (sup.restarts) {
            sup.restarts.add(r);
        }
        pending(sup, r);
        Engine.LOG.info("stage {}: factory removed (instance {}); waiting for one to be added", s.name,
                wasRunning ? "dropped" : "was " + before.id());
        // a factory already back (its added event follows this one) needs no revival
        if (engine.options.revival() != null && engine.registry.stage(s.name).isEmpty() && !installing.contains(s.name)) {
            try {
                engine.options.revival().revive(s.name);
            } catch (RuntimeException e) {
                Engine.LOG.warn("revival of stage {} failed: {}", s.name, StageSlot.oneLine(e));
            }
        }
    }

    /**
     * A factory of a stage's kind was added: a waiting stage starts on it (restoring the snapshot taken at the
     * removal), a running one is swapped in place onto it, one in its restart backoff restarts on it.
     */
    private void factoryAdded(StageSlot s, Object added) {
        if (added == s.factory || !(added instanceof StageFactory)) {
            return;
        }
        switch (s.state) {
            case WAITING_FACTORY -> {
                s.factory = added;
                byte[] snap = s.sup.swapSnapshot;
                s.sup.swapSnapshot = null;
                s.sup.swapPending = false;
                Records.Restart r = s.sup.pendingRecovery;
                if (r != null && r.fault != null) {
                    r.fault.effect += "; new factory " + added.getClass().getName()
                            + (snap == null ? "" : "; snapshot restored");
                }
                launchInstance(s, snap);
            }
            case RUNNING, STARTING -> {
                // a new version registered over the running one (no removal in between): swap in place
                s.factory = added;
                Records.Fault rec = new Records.Fault("swap", s.name, engine.clock.nanos(), Map.of(), "");
                swapInstance(s, rec, "new factory " + added.getClass().getName());
            }
            case RESTARTING -> s.factory = added; // the pending restart uses it
            default -> Engine.LOG.info("stage {} is {}: new factory {} not used", s.name, s.state.id(),
                    added.getClass().getName());
        }
    }

    /**
     * Takes the live instance's snapshot and invalidates it in one step on its runner (between two events), so
     * no event is handled after the snapshot; if the runner does not answer, invalidates without a snapshot.
     */
    private byte[] snapshotAndInvalidate(StageSlot s) {
        int g = s.gen;
        Object[] answer = s.onRunner(() -> {
            Stage st = s.instance;
            byte[] b = null;
            try {
                b = st == null ? null : st.snapshot().orElse(null);
            } catch (RuntimeException e) {
                Engine.LOG.warn("stage {} snapshot failed: {}", s.name, StageSlot.oneLine(e));
            }
            s.invalidate(g);
            return new Object[] {b};
        }, 2000);
        s.invalidate(g);
        return answer == null ? null : (byte[]) answer[0];
    }

    /** The restart whose recovery is awaited now; one still awaited is marked superseded by it. */
    private static void pending(SupervisionRecord sup, Records.Restart r) {
        Records.Restart before = sup.pendingRecovery;
        if (before != null && before != r && before.recoveredNanos < 0) {
            before.supersededBy = r.n;
        }
        sup.pendingRecovery = r;
    }

    /** Hot swap in place: snapshot of the live instance (on its runner), new instance, restore before any event. */
    void swapInstance(StageSlot s, Records.Fault rec, String what) {
        long now = engine.clock.nanos();
        byte[] snap = snapshotAndInvalidate(s);
        s.hangUntil = 0; // the new instance is not hung (as after a kill)
        SupervisionRecord sup = s.sup;
        sup.restartCount++;
        Records.Restart r = new Records.Restart(sup.restartCount, "swap", 0, now, false);
        r.fault = rec;
        synchronized (sup.restarts) {
            sup.restarts.add(r);
        }
        pending(sup, r);
        rec.effect = "replaced by " + what + (snap == null ? " (no state)" : "; " + snap.length + " bytes of state moved");
        engine.faults.record(rec);
        launchInstance(s, snap);
    }
}
