package io.soak.api.stage;

import io.soak.api.source.RawMessage;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Work a stage that reads raw messages lets the engine do ahead of it, on another thread: typically parsing.
 * Offered by {@link StageFactory#preparer()}. In a replay read ahead ({@code engine.replay.read_ahead}, with
 * {@code engine.replay.prepare_ahead}) the engine runs it on its own thread {@code soak-replay-parser}, between
 * the reader and the simulation, and attaches the result to the message ({@link RawMessage#prepared()}); the
 * stage then uses the attachment in {@link Stage#handle} instead of doing that work again.
 *
 * <p>Contract: {@link #prepare} is a pure function of the message (the same message gives an equal result, and
 * nothing outside the preparer changes); an instance is used by one thread at a time; bad input is not an
 * exception but a result the stage turns into its own error handling. The stage must handle a message the same
 * way whether it carries an attachment or not (a restarted stage of another version, a feed fault that rewrote
 * the message, or a run without read-ahead gives it none), so the outputs do not depend on the thread that
 * prepared it.
 */
@ConsumerType
public interface Preparer {

    /** What the stage needs of {@code message}; null when there is nothing to prepare for it. */
    Object prepare(RawMessage message);
}
