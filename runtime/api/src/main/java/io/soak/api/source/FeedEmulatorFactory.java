package io.soak.api.source;

import io.soak.api.plan.SourceSpec;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Starts a Binance-compatible feed emulator on loopback (published as an OSGi service by the feed
 * emulator bundle). Used by the engine when a live scenario asks for one, and by {@code soak feed}.
 */
@ConsumerType
public interface FeedEmulatorFactory {

    /** {@code binance} for the Binance USDT-M combined-stream protocol. */
    String type();

    /**
     * Starts serving. {@code spec.emulator()} says what (capture files, synthetic market, port, pace,
     * loop, aliases); {@code seed} drives the synthetic market.
     */
    FeedEmulator start(SourceSpec spec, long seed) throws Exception;
}
