package io.soak.api.plan;

/** Execution mode of a run. */
public enum Mode {
    /** Wall clock, a real WebSocket (Binance, or the feed emulator on loopback). */
    LIVE,
    /** A recording (or seeded synthetic market) replayed at a pace; see {@link Pace}. */
    REPLAY;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
