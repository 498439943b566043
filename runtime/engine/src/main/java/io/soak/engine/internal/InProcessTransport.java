package io.soak.engine.internal;

import io.soak.api.sink.Row;
import io.soak.api.source.RawMessage;
import io.soak.api.stage.Envelope;
import io.soak.api.stage.Topics;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-process bus: one {@link Topic} per name (sequence, counters, consumers), delivery straight into the
 * consumers' bounded {@link Inbox}es. Simulation: single-threaded, the driver only delivers when there is
 * room. Threaded: a publisher blocks on a full inbox (backpressure), publication is ordered per topic by the
 * topic's monitor; live ingress never blocks and drops instead.
 */
final class InProcessTransport implements Transport {

    private final Engine engine;
    private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();
    private Topic rawTopic;
    private RowMaker rows;
    private Latency latency;

    InProcessTransport(Engine engine) {
        this.engine = engine;
    }

    private Topic topic(String name) {
        Topic t = topics.get(name);
        return t != null ? t : topics.computeIfAbsent(name, Topic::new);
    }

    /** Set-up done: rows for the sinks carry the run id. */
    void ready(RowMaker rowMaker) {
        this.rows = rowMaker;
        this.rawTopic = topic(Topics.RAW);
    }

    /** Set-up (after {@link #ready}): latency histograms of the sink topics' publication. */
    void traceLatency(Latency l) {
        this.latency = l;
        for (Topic t : topics.values()) {
            if (t.toSinks) {
                t.receiveToPublished = l.hop("receive_to_published." + t.name);
                t.handledToPublished = l.hop("handled_to_published." + t.name);
            }
        }
    }

    @Override
    public void subscribe(String topic, StageSlot consumer) {
        Topic t = topic(topic);
        StageSlot[] c = Arrays.copyOf(t.consumers, t.consumers.length + 1);
        c[c.length - 1] = consumer;
        t.consumers = c;
    }

    @Override
    public List<StageSlot> consumers(String topic) {
        return List.of(topic(topic).consumers);
    }

    @Override
    public void toSinks(String topic) {
        topic(topic).toSinks = true;
    }

    @Override
    public void observe(String topic) {
        topic(topic).observed = true;
    }

    @Override
    public boolean ingressFull() {
        Topic t = rawTopic;
        return t.consumers.length > 0 && t.consumers[0].inbox.full();
    }

    @Override
    public long publishedRaw() {
        return rawTopic == null ? 0 : rawTopic.published;
    }

    @Override
    public long rawDropped() {
        return rawTopic == null ? 0 : rawTopic.dropped;
    }

    @Override
    public boolean offerRaw(RawMessage m) {
        Topic t = rawTopic;
        StageSlot in = t.consumers.length > 0 ? t.consumers[0] : null;
        synchronized (t) {
            if (in == null) {
                t.dropped++;
                return false;
            }
            Envelope e = new Envelope(t.name, t.seq + 1, engine.clock.nanos(), m, m.receivedNanos());
            if (!in.inbox.offer(e)) {
                t.dropped++;
                engine.metrics("source").increment("queue_dropped");
                return false;
            }
            t.seq++;
            t.published++;
            in.enqueued.incrementAndGet();
            for (int i = 1; i < t.consumers.length; i++) {
                // further raw consumers never block the socket either
                if (t.consumers[i].inbox.offer(e)) {
                    t.consumers[i].enqueued.incrementAndGet();
                } else {
                    engine.metrics("source").increment("queue_dropped_secondary");
                }
            }
        }
        return true;
    }

    @Override
    public void putRaw(RawMessage m) throws InterruptedException {
        Topic t = rawTopic;
        if (engine.sim) {
            t.seq++;
            t.published++;
            Envelope e = new Envelope(t.name, t.seq, engine.clock.nanos(), m);
            for (StageSlot c : t.consumers) {
                c.inbox.put(e);
            }
            return;
        }
        synchronized (t) {
            t.seq++;
            t.published++;
            Envelope e = new Envelope(t.name, t.seq, engine.clock.nanos(), m, m.receivedNanos());
            for (StageSlot c : t.consumers) {
                deliverBlocking(c, e, null);
            }
        }
    }

    @Override
    public void publish(StageSlot from, String topicName, Object payload) throws InterruptedException {
        Topic t = topic(topicName);
        if (engine.sim) {
            long seq = ++t.seq;
            t.published++;
            Envelope e = new Envelope(topicName, seq, engine.clock.nanos(), payload);
            StageSlot[] cs = t.consumers;
            for (StageSlot c : cs) {
                c.inbox.put(e);
            }
            if (t.toSinks) {
                toSinks(e);
            }
            if (t.observed) {
                engine.minutes.observe(e);
            }
            return;
        }
        long origin = from == null ? 0 : from.origin;
        if (engine.cluster != null) {
            publishCluster(from, t, payload, origin);
            return;
        }
        synchronized (t) {
            long seq = ++t.seq;
            t.published++;
            long now = engine.clock.nanos();
            Envelope e = new Envelope(topicName, seq, now, payload, origin);
            if (origin != 0 && t.receiveToPublished != null) {
                latency.record(t.receiveToPublished, origin, now);
                latency.record(t.handledToPublished, from.handledAtNanos, now);
            }
            for (StageSlot c : t.consumers) {
                deliverBlocking(c, e, from);
            }
            if (t.toSinks) {
                toSinks(e);
            }
            if (t.observed) {
                engine.control.post(() -> engine.minutes.observe(e));
            }
        }
    }

    /**
     * Cluster mode (docs/scale-out.md): the envelope's seq is derived from the event being handled
     * ({@code seq * 64 + k}), so a node that replays a partition after a failover publishes the same numbers;
     * emissions of timers take {@code 2^62 + n}. Rows keep the topic's own counter (1, 2, … on this node).
     */
    private void publishCluster(StageSlot from, Topic t, Object payload, long origin) throws InterruptedException {
        synchronized (t) {
            long seq;
            if (from != null && from.originIn >= 0) {
                int k = ++from.originK;
                if (k >= io.soak.engine.ClusterBus.SEQ_FANOUT) {
                    throw new IllegalStateException("stage " + from.name + " emitted more than "
                            + (io.soak.engine.ClusterBus.SEQ_FANOUT - 1) + " events for one event (cluster mode limit)");
                }
                seq = Math.multiplyExact(from.originIn, io.soak.engine.ClusterBus.SEQ_FANOUT) + k;
            } else {
                seq = TIMER_SEQ_BASE + (++t.timerSeq);
            }
            long now = engine.clock.nanos();
            t.seq++;
            t.published++;
            Envelope e = new Envelope(t.name, seq, now, payload, origin);
            for (StageSlot c : t.consumers) {
                deliverBlocking(c, e, from);
            }
            if (t.toSinks) {
                toSinks(new Envelope(t.name, t.seq, now, payload));
            }
            if (t.observed) {
                engine.control.post(() -> engine.minutes.observe(e));
            }
            engine.cluster.send(t.name, seq, now, payload);
        }
    }

    private static final long TIMER_SEQ_BASE = 1L << 62;

    /**
     * Cluster mode: an event of a topic produced on another node (seq as carried), delivered like a local
     * publication: to this node's consumers (blocking on a full queue), the sinks (rows numbered by this node's
     * own counter of the topic) and the observers.
     */
    void deliverInbound(String topicName, long seq, long timeNanos, Object payload) throws InterruptedException {
        Topic t = topic(topicName);
        synchronized (t) {
            t.seq++;
            t.published++;
            Envelope e = new Envelope(topicName, seq, timeNanos, payload);
            for (StageSlot c : t.consumers) {
                deliverBlocking(c, e, null);
            }
            if (t.toSinks) {
                toSinks(new Envelope(topicName, t.seq, timeNanos, payload));
            }
            if (t.observed) {
                engine.control.post(() -> engine.minutes.observe(e));
            }
        }
    }

    private void deliverBlocking(StageSlot c, Envelope e, StageSlot from) throws InterruptedException {
        if (!c.inbox.offer(e)) {
            if (from != null) {
                from.waitingDownstream = true;
            }
            try {
                while (!c.inbox.offer(e, 20_000_000L)) {
                    if (from != null) {
                        from.lastProgress = engine.clock.nanos(); // waiting on backpressure is not a stall of its own
                    }
                    if (c.state == StageState.FAILED && engine.phase != Engine.Phase.RUNNING) {
                        c.discarded.incrementAndGet();
                        return;
                    }
                }
            } finally {
                if (from != null) {
                    from.waitingDownstream = false;
                }
            }
        }
        c.enqueued.incrementAndGet();
    }

    private void toSinks(Envelope e) throws InterruptedException {
        List<SinkWriter> sinks = engine.sinks;
        if (sinks.isEmpty()) {
            return;
        }
        Row r = rows.row(e);
        boolean traced = !engine.sim && e.originNanos() != 0 && Topics.DECISION.equals(e.topic()) && latency != null;
        if (traced) {
            latency.rowOut(e.seq(), e.originNanos());
        }
        for (SinkWriter w : sinks) {
            if (engine.sim) {
                w.accept(r);
            } else if (traced) {
                w.put(new SinkWriter.Traced(r, e.originNanos(), e.timeNanos()));
            } else {
                w.put(r);
            }
        }
    }

    @Override
    public Map<String, Object> describeTopics() {
        Map<String, Object> ts = new TreeMap<>();
        for (Topic t : topics.values()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("published", t.published);
            e.put("dropped", t.dropped);
            e.put("last_seq", t.seq);
            e.put("consumers", Arrays.stream(t.consumers).map(c -> c.name).toList());
            e.put("to_sinks", t.toSinks);
            ts.put(t.name, e);
        }
        return ts;
    }
}
