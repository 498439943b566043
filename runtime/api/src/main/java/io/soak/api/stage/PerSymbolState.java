package io.soak.api.stage;

import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Optional mixin of a {@link Stage} whose state is kept per symbol: the engine can then move the state of some
 * symbols between nodes (cluster mode, docs/scale-out.md: the changelog snapshot of a partition holds the state
 * of that partition's symbols). Like every method of a stage, both are called on the stage's runner, between two
 * events. A stage without it is restored by replaying its partitions from their first offset.
 *
 * <p>Account-wide figures are derived from the per-symbol state (they are not part of a symbol's snapshot).
 */
@ConsumerType
public interface PerSymbolState {

    /**
     * The state of {@code symbols} only (a symbol the stage keeps nothing of is left out), in a form
     * {@link #restoreSymbols} of another instance of the same stage kind reads.
     */
    byte[] snapshotSymbols(Set<String> symbols) throws Exception;

    /**
     * Replaces the state of {@code symbols} by what {@code state} (from {@link #snapshotSymbols}) holds of them: a
     * symbol of the set the snapshot has nothing of is reset (no state); other symbols are untouched.
     */
    void restoreSymbols(Set<String> symbols, byte[] state) throws Exception;
}
