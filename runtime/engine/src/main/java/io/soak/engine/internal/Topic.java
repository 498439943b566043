package io.soak.engine.internal;

/** One bus topic: its run-wide sequence, counters and the inboxes of the stages consuming it. */
final class Topic {
    final String name;
    // written under the topic's monitor (threaded) or by the driver; read without locking (status, manifest)
    volatile long seq;
    volatile long published;
    volatile long dropped;
    /** Cluster mode: emissions of timers (no event being handled). */
    long timerSeq;
    StageSlot[] consumers = new StageSlot[0];
    boolean toSinks;
    boolean observed;
    /** Latency of the sink topics (null otherwise and at max pace). */
    org.HdrHistogram.Histogram receiveToPublished;
    org.HdrHistogram.Histogram handledToPublished;

    Topic(String name) {
        this.name = name;
    }
}
