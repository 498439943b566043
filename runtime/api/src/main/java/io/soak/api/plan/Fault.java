package io.soak.api.plan;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The closed set of fault kinds: one record per kind. The engine handles a fault through {@link Handler},
 * which has one method per record (Java 17 has no pattern switch): a new kind is a new record and a new
 * method, so every handler that does not carry it out fails to compile. {@link FaultSpec} is the plan's
 * neutral form (offset, kind word, target, duration, params); {@link #of(FaultSpec)} turns it into one of
 * these, refusing a kind outside the set.
 */
public sealed interface Fault {

    /** Every kind word, in the order of the records below. */
    List<String> KINDS = List.of("kill", "crash", "hang", "swap", "slow-sink", "timeseries-outage",
            "feed-drop", "feed-stall", "feed-latency", "feed-corrupt", "feed-gap");

    /** The kind word ({@code kill}, {@code slow-sink}, {@code feed-stall}, …). */
    String kind();

    /** What it acts on: a stage, a sink, {@code timeseries}, a substream, or empty. */
    String target();

    /** Calls the handler's method for this kind. */
    <R> R accept(Handler<R> h);

    /** One method per fault kind: the exhaustive handling of the closed set. */
    interface Handler<R> {
        R kill(Kill f);

        R crash(Crash f);

        R hang(Hang f);

        R swap(Swap f);

        R slowSink(SlowSink f);

        R timeseriesOutage(TimeseriesOutage f);

        R feed(Feed f);
    }

    /** {@code kill}: the stage's live instance dropped at once, its in-flight event redelivered, restarted. */
    record Kill(String stage) implements Fault {
        public <R> R accept(Handler<R> h) {
            return h.kill(this);
        }

        public String kind() {
            return "kill";
        }

        public String target() {
            return stage;
        }
    }

    /** {@code crash}: the stage's next event throws inside the stage, or the sink's next write or commit throws. */
    record Crash(String target) implements Fault {
        public <R> R accept(Handler<R> h) {
            return h.crash(this);
        }

        public String kind() {
            return "crash";
        }
    }

    /** {@code hang}: the stage makes no progress for {@code duration} (zero: twice the heartbeat timeout). */
    record Hang(String stage, Duration duration) implements Fault {
        public <R> R accept(Handler<R> h) {
            return h.hang(this);
        }

        public String kind() {
            return "hang";
        }

        public String target() {
            return stage;
        }
    }

    /**
     * {@code swap}: the stage moves to a new instance, its snapshot restored before any event; with {@code jar},
     * the jar is first installed as the stage's bundle (a bundle update), so the new instance is the new code.
     */
    record Swap(String stage, String jar) implements Fault {
        public <R> R accept(Handler<R> h) {
            return h.swap(this);
        }

        public String kind() {
            return "swap";
        }

        public String target() {
            return stage;
        }
    }

    /**
     * {@code slow-sink}: for {@code duration} the sink commits at most once per {@code delay} (zero: not at all
     * until the window ends); rows wait uncommitted, and a threaded writer takes no rows while it waits.
     */
    record SlowSink(String sink, Duration duration, Duration delay) implements Fault {
        public <R> R accept(Handler<R> h) {
            return h.slowSink(this);
        }

        public String kind() {
            return "slow-sink";
        }

        public String target() {
            return sink;
        }
    }

    /** {@code timeseries-outage}: the time-series target is unreachable for {@code duration}; exports fail and count. */
    record TimeseriesOutage(Duration duration) implements Fault {
        public <R> R accept(Handler<R> h) {
            return h.timeseriesOutage(this);
        }

        public String kind() {
            return "timeseries-outage";
        }

        public String target() {
            return "timeseries";
        }
    }

    /** {@code feed-*}: a fault of the feed emulator (drop, stall, latency, corrupt, gap), carried out by it. */
    record Feed(String kind, String target, Duration duration, Map<String, Object> params) implements Fault {
        public <R> R accept(Handler<R> h) {
            return h.feed(this);
        }

        public Feed {
            params = Map.copyOf(params);
        }
    }

    /**
     * The fault a spec describes.
     *
     * @throws IllegalArgumentException for a kind outside {@link #KINDS} or a swap without a stage
     */
    static Fault of(FaultSpec s) {
        String target = s.target() == null ? "" : s.target();
        Duration d = s.duration();
        return switch (s.kind()) {
            case "kill" -> new Kill(target);
            case "crash" -> new Crash(target);
            case "hang" -> new Hang(target, d);
            case "swap" -> new Swap(target, s.params().get("jar") instanceof String j && !j.isBlank() ? j : null);
            case "slow-sink" -> new SlowSink(target, d, s.params().get("delay_ms") instanceof Number n
                    ? Duration.ofMillis(n.longValue()) : Duration.ZERO);
            case "timeseries-outage" -> new TimeseriesOutage(d);
            case "feed-drop", "feed-stall", "feed-latency", "feed-corrupt", "feed-gap" ->
                    new Feed(s.kind(), target, d, s.params());
            default -> throw new IllegalArgumentException("unknown fault kind '" + s.kind() + "' (known: "
                    + String.join(", ", KINDS) + ")");
        };
    }
}
