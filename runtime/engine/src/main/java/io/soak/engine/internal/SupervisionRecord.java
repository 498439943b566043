package io.soak.engine.internal;

import io.soak.api.time.Cancellable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** What the {@link Supervisor} keeps of one stage: restarts, the recovery being timed, a swap's snapshot. */
final class SupervisionRecord {
    /** Instance failures (any thread); the health monitor compares it tick to tick. */
    volatile long errors;
    // control thread only
    int restartCount;
    /** Times of the restarts inside the policy's window. */
    final ArrayDeque<Long> restartTimes = new ArrayDeque<>();
    /** Every restart (guarded by itself: the manifest reads it while runners record recoveries). */
    final List<Records.Restart> restarts = new ArrayList<>();
    /** The restart whose recovery (first event handled again) is being timed. */
    volatile Records.Restart pendingRecovery;
    long maxRecoveryMs; // guarded by restarts
    /** The snapshot taken when the factory left, restored on the next one. */
    byte[] swapSnapshot;
    boolean swapPending;
    Cancellable restartTimer;
}
