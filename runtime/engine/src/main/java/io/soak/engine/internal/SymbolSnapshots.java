package io.soak.engine.internal;

import io.soak.api.stage.PerSymbolState;
import io.soak.api.stage.Stage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Cluster mode: per-symbol snapshots of the local stages ({@link PerSymbolState}), taken and restored on each
 * stage's runner between two events (the engine rule: a stage is only ever called from its runner), for the
 * changelog of the Kafka bus (docs/scale-out.md).
 */
final class SymbolSnapshots {

    private static final long TIMEOUT_MS = 10_000;

    private SymbolSnapshots() {
    }

    static Map<String, Map<String, byte[]>> snapshot(Engine engine, Map<String, Set<String>> groups) {
        Map<String, Map<String, byte[]>> out = new LinkedHashMap<>();
        groups.keySet().forEach(g -> out.put(g, new LinkedHashMap<>()));
        for (StageSlot s : engine.slots) {
            Object[] answer = onRunner(s, st -> {
                Map<String, byte[]> per = new LinkedHashMap<>();
                for (var g : groups.entrySet()) {
                    per.put(g.getKey(), st.snapshotSymbols(g.getValue()));
                }
                return per;
            });
            @SuppressWarnings("unchecked")
            Map<String, byte[]> per = (Map<String, byte[]>) answer[0];
            per.forEach((g, b) -> out.get(g).put(s.name, b));
        }
        return out;
    }

    static void restore(Engine engine, Set<String> symbols, Map<String, byte[]> states) {
        // every stage can take its part before any does: a restore that fails half-way would mix states
        for (StageSlot s : engine.slots) {
            if (!s.running()) {
                throw new IllegalStateException("stage " + s.name + " is " + s.state.id());
            }
            if (!(s.instance instanceof PerSymbolState)) {
                throw new UnsupportedOperationException("stage " + s.name + " keeps no per-symbol state");
            }
            if (states.get(s.name) == null) {
                throw new IllegalStateException("the snapshot has no state of stage " + s.name);
            }
        }
        for (StageSlot s : engine.slots) {
            byte[] b = states.get(s.name); // present: checked above
            onRunner(s, st -> {
                st.restoreSymbols(symbols, b);
                return null;
            });
        }
    }

    private interface Task {
        Object run(PerSymbolState stage) throws Exception;
    }

    /**
     * {answer}; throws {@link UnsupportedOperationException} when the stage keeps no per-symbol state,
     * {@link IllegalStateException} when it is not running, did not answer or failed.
     */
    private static Object[] onRunner(StageSlot s, Task task) {
        if (!s.running()) {
            throw new IllegalStateException("stage " + s.name + " is " + s.state.id());
        }
        java.util.concurrent.atomic.AtomicBoolean late = new java.util.concurrent.atomic.AtomicBoolean();
        Object[] answer = s.onRunner(() -> {
            if (!late.compareAndSet(false, true)) {
                return null; // the caller gave up: a restore must not land later, among newer events
            }
            Stage st = s.instance;
            if (!(st instanceof PerSymbolState p)) {
                return new Object[] {null, st == null ? "stage " + s.name + " has no instance" : null,
                        st == null ? null : "stage " + s.name + " keeps no per-symbol state (" + st.getClass().getSimpleName()
                                + " does not implement PerSymbolState)"};
            }
            try {
                return new Object[] {task.run(p), null};
            } catch (Exception | LinkageError e) {
                return new Object[] {null, "stage " + s.name + " per-symbol state failed: " + StageSlot.oneLine(e)};
            }
        }, TIMEOUT_MS);
        if (answer == null) {
            late.set(true); // not run yet: it never will
            throw new IllegalStateException("stage " + s.name + " did not answer within " + TIMEOUT_MS + " ms");
        }
        if (answer.length > 2 && answer[2] != null) {
            throw new UnsupportedOperationException((String) answer[2]);
        }
        if (answer[1] != null) {
            throw new IllegalStateException((String) answer[1]);
        }
        return answer;
    }
}
