package io.soak.testing.fakes;

import io.soak.api.plan.Criterion;
import io.soak.api.plan.FaultSpec;
import io.soak.api.plan.Mode;
import io.soak.api.plan.Pace;
import io.soak.api.plan.RestartPolicy;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.plan.SourceSpec;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.api.source.RawMessage;
import io.soak.api.source.ReplayFeed;
import io.soak.api.source.ReplayFeedFactory;
import io.soak.api.stage.Envelope;
import io.soak.api.stage.Stage;
import io.soak.api.stage.StageContext;
import io.soak.api.stage.StageFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The replay set-up that the engine's tests and benchmarks share (CaptureReplayTest, SimulatedRunTest and
 * ThreadedRunTest through TestPlans, EngineBenchmark): a replay {@link ScenarioPlan} built field by field
 * ({@link Plan}), a probe stage on the {@code raw} topic ({@link #probe}), and a replay feed over messages built
 * beforehand ({@link #messages}). Contracts of the api only: the engine runs it.
 */
public final class ReplayFixture {

    private ReplayFixture() {
    }

    /** A replay plan of {@code source}: max pace, 60 s, seed 42, 10 s health, the file exporter, no faults. */
    public static Plan plan(String name, SourceSpec source) {
        return new Plan(name, source);
    }

    /** A replay source of {@code type} for one symbol with these settings (the counter feeds, a prebuilt feed). */
    public static SourceSpec source(String type, List<String> streams, Map<String, Object> settings) {
        return new SourceSpec(type, List.of("BTCUSDT"), streams, "", List.of(), false, Map.of(), Map.of(), settings);
    }

    /** A capture replay of these files (merged by receive time), optionally looped and aliased. */
    public static SourceSpec capture(List<String> symbols, List<String> streams, List<String> files, boolean loop,
                                     Map<String, String> aliases, Map<String, Object> settings) {
        return new SourceSpec("capture", symbols, streams, "", files, loop, aliases, Map.of(), settings);
    }

    /**
     * A stage of kind {@code kind} consuming {@code raw} and emitting nothing, that calls {@code onEvent} with its
     * context for every event (a test's probe: counts in its metrics, records times).
     */
    public static StageFactory probe(String kind, BiConsumer<StageContext, Envelope> onEvent) {
        return new StageFactory() {
            @Override
            public String kind() {
                return kind;
            }

            @Override
            public Set<String> inputs() {
                return Set.of("raw");
            }

            @Override
            public Set<String> outputs() {
                return Set.of();
            }

            @Override
            public Stage create() {
                return new Stage() {
                    private StageContext ctx;

                    @Override
                    public void start(StageContext context) {
                        ctx = context;
                    }

                    @Override
                    public void handle(Envelope e) {
                        onEvent.accept(ctx, e);
                    }
                };
            }
        };
    }

    /** Replay type {@code type} serving these messages, in order, to every feed it opens (built once, no allocation). */
    public static ReplayFeedFactory messages(String type, RawMessage[] messages) {
        return new ReplayFeedFactory() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public ReplayFeed open(SourceSpec spec, long seed) {
                return feed(messages);
            }
        };
    }

    /** A replay feed over these messages. */
    public static ReplayFeed feed(RawMessage[] messages) {
        return new ReplayFeed() {
            private int i;

            @Override
            public RawMessage next() {
                return i < messages.length ? messages[i++] : null;
            }

            @Override
            public void close() {
            }
        };
    }

    /** A replay plan, field by field; {@link #build()} makes the {@link ScenarioPlan}. */
    public static final class Plan {
        private final String name;
        private SourceSpec source;
        private Pace pace = Pace.MAX;
        private Mode mode = Mode.REPLAY;
        private long seed = 42;
        private Duration duration = Duration.ofSeconds(60);
        private List<String> stages = List.of();
        private List<String> sinks = List.of();
        private Duration health = Duration.ofSeconds(10);
        private RestartPolicy policy = RestartPolicy.defaults();
        private TimeseriesSpec timeseries = TimeseriesSpec.file();
        private final List<FaultSpec> faults = new ArrayList<>();
        private final List<Criterion> expectations = new ArrayList<>();
        private final Map<String, Object> config = new TreeMap<>();

        private Plan(String name, SourceSpec source) {
            this.name = name;
            this.source = source;
        }

        public Plan source(SourceSpec s) {
            source = s;
            return this;
        }

        public Plan mode(Mode m) {
            mode = m;
            return this;
        }

        public Plan pace(Pace p) {
            pace = p;
            return this;
        }

        public Plan seed(long s) {
            seed = s;
            return this;
        }

        public Plan duration(Duration d) {
            duration = d;
            return this;
        }

        public Plan stages(List<String> s) {
            stages = List.copyOf(s);
            return this;
        }

        public Plan sinks(List<String> s) {
            sinks = List.copyOf(s);
            return this;
        }

        public Plan health(Duration h) {
            health = h;
            return this;
        }

        public Plan policy(RestartPolicy p) {
            policy = p;
            return this;
        }

        public Plan timeseries(TimeseriesSpec t) {
            timeseries = t;
            return this;
        }

        public Plan faults(List<FaultSpec> f) {
            faults.addAll(f);
            return this;
        }

        public Plan expect(List<Criterion> c) {
            expectations.addAll(c);
            return this;
        }

        public Plan config(Map<String, Object> c) {
            config.putAll(c);
            return this;
        }

        public ScenarioPlan build() {
            return new ScenarioPlan(name, "<test>", "0".repeat(64), mode, pace, seed, duration, source, stages, sinks,
                    health, policy, timeseries, List.of(), faults, expectations, config, "UTC");
        }
    }
}
