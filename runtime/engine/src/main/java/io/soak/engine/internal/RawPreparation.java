package io.soak.engine.internal;

import io.soak.api.source.RawMessage;
import io.soak.api.stage.Preparer;
import io.soak.api.stage.StageFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The raw topic's stage preparing its messages ahead of it (issue #16, replay on both cores): on the engine's
 * parser thread ({@link ReadAheadFeed#PARSER_THREAD_NAME}) every message gets what the current factory's
 * {@link Preparer} makes of it ({@link RawMessage#withPrepared}); the simulation stays on the driver thread.
 *
 * <p>The factory is read per message from the stage slot, so after a hot swap the new version's preparer takes
 * over (messages prepared by the old one before that are handled by the new stage as unprepared: it does not know
 * the attachment's class). A preparer that throws leaves that message unprepared and is counted: the stage does
 * the work itself, with the same outcome.
 */
final class RawPreparation implements UnaryOperator<RawMessage> {

    private final String stage;
    private final Supplier<Object> factory;
    // the parser thread only
    private Object preparerOf;
    private Preparer preparer;
    // written by the parser thread only, read by describe()
    private volatile long prepared;
    private volatile long unprepared;
    private volatile long failed;
    private volatile String lastFailure;

    /**
     * @param stage   the raw topic's stage (for the description)
     * @param factory its current factory (a {@link StageFactory}; anything else, or null, prepares nothing)
     */
    RawPreparation(String stage, Supplier<Object> factory) {
        this.stage = stage;
        this.factory = factory;
    }

    @Override
    public RawMessage apply(RawMessage m) {
        Object f = factory.get();
        if (f != preparerOf) {
            preparerOf = f;
            preparer = null;
            if (f instanceof StageFactory sf) {
                try {
                    preparer = sf.preparer();
                } catch (RuntimeException | LinkageError e) {
                    failed(e);
                }
            }
        }
        if (preparer == null) {
            unprepared++;
            return m;
        }
        try {
            RawMessage out = m.withPrepared(preparer.prepare(m));
            prepared++;
            return out;
        } catch (RuntimeException | LinkageError e) {
            failed(e);
            unprepared++;
            return m;
        }
    }

    private void failed(Throwable e) {
        failed++;
        lastFailure = StageSlot.oneLine(e);
    }

    /** stage, prepared, unprepared, failed (and the last failure). */
    Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("stage", stage);
        d.put("prepared", prepared);
        d.put("unprepared", unprepared);
        d.put("failed", failed);
        if (lastFailure != null) {
            d.put("last_failure", lastFailure);
        }
        return d;
    }
}
