package io.soak.engine;

import io.soak.api.stage.Settings;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The part of the bus that crosses nodes (design ARCHITECTURE.md §7, docs/scale-out.md). A run whose merged
 * configuration sets {@code cluster.kafka} runs only the stages of its role ({@code cluster.stages}); the
 * in-process bus still carries every hop between stages of this node, and every envelope published here is
 * also handed to {@link #send}, while the topics this node consumes but does not produce arrive through
 * {@link Node#deliver}. The in-process bus stays the default and the only bus of the deterministic simulation.
 *
 * <p>Sequence numbers in cluster mode: an emission made while handling an event of seq {@code s} gets
 * {@code s * 64 + k} ({@code k} = 1.. its index among that event's emissions), so that a node replaying a
 * partition after a failover derives the same numbers as the node that died; sinks still get rows numbered
 * 1, 2, … per topic (their own counter, after the duplicates of a replay are dropped).
 *
 * <p>Found with {@link java.util.ServiceLoader} ({@link Factory}); the Kafka implementation is the module
 * {@code runtime/transport-kafka}.
 */
public interface ClusterBus extends AutoCloseable {

    /** Multiplier of the derived sequence numbers: at most 63 emissions per handled event. */
    long SEQ_FANOUT = 64;

    /** ServiceLoader entry point. */
    interface Factory {
        ClusterBus create(Node node);
    }

    /** What the engine tells the cluster bus about this node, and how the bus hands events back. */
    interface Node {
        String runId();

        /** This node's id ({@code cluster.node}, default host-pid). */
        String nodeId();

        /** The role name ({@code cluster.role}, default the local stages joined with '+'). */
        String role();

        /** The merged configuration of the run. */
        Settings config();

        /** The symbols the run subscribes (the plan's source), in order: the cluster bus may place them by index. */
        java.util.List<String> symbols();

        /** Pace multiplier of a paced replay (1 live). */
        double pace();

        /** True when a local stage reads the feed (raw): this node announces the run's clock and ends on the feed. */
        boolean source();

        /** Topics published by stages of this node. */
        Set<String> produced();

        /** Topics consumed by stages of this node that no stage of this node produces. */
        Set<String> inbound();

        /**
         * An event of {@code topic} produced on another node: delivered to the local consumers (blocking when
         * their queues are full), to the sinks and the observers like a local publication.
         */
        void deliver(String topic, long seq, long timeNanos, Object payload) throws InterruptedException;

        /** True when no local stage has anything queued, in flight or unpublished. */
        boolean quiet();

        /** Asks for the graceful stop (any thread). */
        void requestStop(String reason);

        /**
         * The state of every local stage for each group of symbols (group name → stage name → bytes of
         * {@link io.soak.api.stage.PerSymbolState#snapshotSymbols}), taken on each stage's runner between two
         * events. Take it when {@link #quiet()}, with nothing delivered meanwhile, so it is the state after exactly
         * the events delivered so far.
         *
         * @throws UnsupportedOperationException naming the local stage that keeps no per-symbol state (it does not
         *     implement {@code PerSymbolState}): this node cannot snapshot
         * @throws IllegalStateException naming why not now: a stage is not running (restarting), did not answer in
         *     time or failed
         */
        default Map<String, Map<String, byte[]>> snapshotSymbols(Map<String, Set<String>> groups) {
            throw new UnsupportedOperationException("this engine takes no per-symbol snapshots");
        }

        /**
         * Replaces the local stages' state of {@code symbols} by {@code states} (stage name → bytes from
         * {@link #snapshotSymbols}), on each stage's runner, before any further event of those symbols is delivered.
         *
         * @throws IllegalStateException naming why not (as {@link #snapshotSymbols}; a stage of the node missing
         *     from {@code states}); stages restored before the failure keep the restored state
         */
        default void restoreSymbols(Set<String> symbols, Map<String, byte[]> states) {
            throw new UnsupportedOperationException("this engine restores no per-symbol snapshots");
        }
    }

    /** Source node, before any stage starts: the run's start on the engine clock and the wall time it maps to. */
    void announceStart(long startNanos, long wallEpochNanos) throws Exception;

    /** Other nodes: blocks until the source node announced the start; returns {start nanos, wall epoch nanos}. */
    long[] awaitStart(Duration timeout) throws Exception;

    /** Starts consuming the inbound topics (after the local stages started). */
    void start() throws Exception;

    /** Every envelope published by a stage of this node (under the topic's order). */
    void send(String topic, long seq, long timeNanos, Object payload) throws InterruptedException;

    /** Graceful stop, first step: nothing more is delivered. */
    void stopInbound();

    /** Graceful stop, after the local stages stopped and published: flushes and tells the cluster this node is done. */
    void finish();

    /** The manifest section {@code cluster}. */
    Map<String, Object> describe();

    @Override
    void close();
}
