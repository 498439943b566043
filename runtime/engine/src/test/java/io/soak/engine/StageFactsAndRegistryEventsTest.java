package io.soak.engine;

import static io.soak.engine.TestPlans.at;
import static io.soak.engine.TestPlans.num;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.soak.api.stage.Envelope;
import io.soak.api.stage.Stage;
import io.soak.api.stage.StageContext;
import io.soak.api.stage.StageFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Engine-owned facts read back by a restarted instance, the plan's subscription in every component's settings,
 * registry events acted on as they come (a factory removed and re-added before the engine looks), the
 * {@code signal} manifest section and stage metrics in the status, resources sampled at start and end.
 */
class StageFactsAndRegistryEventsTest {

    @TempDir
    Path runs;

    /**
     * Kind {@code signal} over t1 → t2: each instance appends its number to the fact {@code starts} (continuing
     * its predecessor's list through {@code factValue}), records the settings it was given, counts what it
     * handled under its factory's label and keeps that count across snapshot/restore.
     */
    static final class Memo implements StageFactory {
        final String label;

        Memo(String label) {
            this.label = label;
        }

        @Override
        public String kind() {
            return "signal";
        }

        @Override
        public Set<String> inputs() {
            return Set.of("t1");
        }

        @Override
        public Set<String> outputs() {
            return Set.of("t2");
        }

        @Override
        public Stage create() {
            return new Stage() {
                StageContext ctx;
                long handled;

                @Override
                public void start(StageContext context) {
                    ctx = context;
                    List<Object> starts = new ArrayList<>();
                    if (context.metrics().factValue("starts") instanceof List<?> earlier) {
                        starts.addAll(earlier);
                    }
                    starts.add(starts.size() + 1);
                    context.metrics().fact("starts", List.copyOf(starts));
                    context.metrics().fact("seen_symbols", context.config().list("source.symbols", List.of()));
                    context.metrics().fact("seen_streams", context.config().list("source.streams", List.of()));
                    context.metrics().fact("own_symbols", context.config().list("symbols", List.of()));
                }

                @Override
                public void handle(Envelope event) {
                    handled++;
                    ctx.metrics().increment("handled_by_" + label);
                    ctx.emit("t2", event.payload());
                }

                @Override
                public Optional<byte[]> snapshot() {
                    return Optional.of(ByteBuffer.allocate(8).putLong(handled).array());
                }

                @Override
                public void restore(byte[] state) {
                    handled = ByteBuffer.wrap(state).getLong();
                    ctx.metrics().gauge("restored_handled", handled);
                }
            };
        }
    }

    private static TestPlans plan(String name) {
        TestPlans p = new TestPlans();
        p.name = name;
        p.stages = List.of("pass1", "signal");
        p.rate = 200;
        return p;
    }

    private RunOutcome run(TestPlans p, Registry r, List<RunExtension> ext) {
        return assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> new SoakRun(p.plan(), r, ext, EngineOptions.of(runs).withRunId(p.name)).run());
    }

    private static Registry registry(Memo memo) {
        Registry r = TestPlans.registry();
        r.addStage(memo);
        return r;
    }

    /** Runs {@code action} against the registry at the second health tick. */
    private static RunExtension atSecondTick(java.util.function.Consumer<Registry> action) {
        return new RunExtension() {
            int ticks;

            @Override
            public String name() {
                return "registry-changer";
            }

            @Override
            public void onHealthTick(RunContext run, RunStatus status) {
                if (++ticks == 2) {
                    action.accept(run.registry());
                }
            }
        };
    }

    @Test
    void restartedInstanceReadsBackTheFactsItsPredecessorRecorded() {
        TestPlans p = plan("facts");
        p.fault(Duration.ofSeconds(30), "kill", "signal", Duration.ZERO);
        RunOutcome out = run(p, registry(new Memo("v1")), List.of());
        Map<String, Object> m = out.manifest();
        assertThat(num(m, "status.processes.signal.restart_count")).isEqualTo(1);
        assertThat(at(m, "signal.starts")).isEqualTo(List.of(1, 2));
    }

    @Test
    void everyComponentGetsThePlansSubscriptionAsSourceSymbolsAndStreams() {
        TestPlans p = plan("subscription");
        p.config.put("signal.symbols", List.of("XRPUSDT"));
        p.config.put("signal.source.symbols", List.of("DOGEUSDT"));
        RunOutcome out = run(p, registry(new Memo("v1")), List.of());
        Map<String, Object> m = out.manifest();
        // the plan's source (TestPlans: BTCUSDT / aggTrade) is what the run subscribes: it wins over config
        assertThat(at(m, "signal.seen_symbols")).isEqualTo(List.of("BTCUSDT"));
        assertThat(at(m, "signal.seen_streams")).isEqualTo(List.of("aggTrade"));
        assertThat(at(m, "signal.own_symbols")).isEqualTo(List.of("XRPUSDT"));
    }

    @Test
    void signalSectionAndStageMetricsInStatusAreInTheManifest() {
        RunOutcome out = run(plan("sections"), registry(new Memo("v1")), List.of());
        Map<String, Object> m = out.manifest();
        long published = num(m, "bus.topics.raw.published");
        assertThat(published).isPositive();
        assertThat(num(m, "signal.handled_by_v1")).isEqualTo(published);
        assertThat(num(m, "status.processes.signal.metrics.handled_by_v1")).isEqualTo(published);
        assertThat(at(m, "status.processes.pass1.metrics")).isInstanceOf(Map.class);
    }

    @Test
    void factoryRemovedAndTheSameOneAddedBackBeforeTheEngineLooksStillRestartsTheStage() {
        Memo v1 = new Memo("v1");
        RunExtension bounce = atSecondTick(r -> {
            r.removeStage(v1);
            r.addStage(v1);
        });
        RunOutcome out = run(plan("bounce"), registry(v1), List.of(bounce));
        Map<String, Object> m = out.manifest();
        assertThat(num(m, "status.processes.signal.restart_count")).isEqualTo(1);
        assertThat(at(m, "status.processes.signal.restarts.0.cause")).isEqualTo("factory_removed");
        assertThat(at(m, "status.processes.signal.restarts.0.recovered_at")).isNotNull();
        assertThat((String) at(m, "faults.0.effect")).contains("snapshot restored");
        assertThat(at(m, "signal.starts")).isEqualTo(List.of(1, 2));
        assertThat(num(m, "signal.restored_handled")).isPositive();
        assertThat(num(m, "signal.handled_by_v1")).isEqualTo(num(m, "bus.topics.raw.published"));
        assertThat(num(m, "bus.topics.t2.published")).isEqualTo(num(m, "bus.topics.raw.published"));
    }

    @Test
    void factoryReplacedByANewVersionBeforeTheEngineLooksRunsTheNewCodeWithTheOldState() {
        Memo v1 = new Memo("v1");
        Memo v2 = new Memo("v2");
        RunExtension update = atSecondTick(r -> {
            r.removeStage(v1);
            r.addStage(v2);
        });
        RunOutcome out = run(plan("update"), registry(v1), List.of(update));
        Map<String, Object> m = out.manifest();
        long published = num(m, "bus.topics.raw.published");
        assertThat(num(m, "status.processes.signal.restart_count")).isEqualTo(1);
        assertThat(at(m, "status.processes.signal.restarts.0.cause")).isEqualTo("factory_removed");
        assertThat((String) at(m, "faults.0.effect")).contains("snapshot restored");
        assertThat(num(m, "signal.handled_by_v1")).isPositive();
        assertThat(num(m, "signal.handled_by_v2")).isPositive();
        assertThat(num(m, "signal.handled_by_v1") + num(m, "signal.handled_by_v2")).isEqualTo(published);
        assertThat(num(m, "signal.restored_handled")).isEqualTo(num(m, "signal.handled_by_v1"));
    }

    @Test
    void runEndingBeforeTheFirstHealthTickStillHasResourceSamples() {
        TestPlans p = plan("short");
        p.duration = Duration.ofSeconds(3);
        RunOutcome out = run(p, registry(new Memo("v1")), List.of());
        Map<String, Object> m = out.manifest();
        assertThat(num(m, "health.ticks")).isZero();
        assertThat(((Number) at(m, "resource_usage.max_rss_mb")).doubleValue()).isPositive();
        assertThat(num(m, "resource_usage.max_threads")).isPositive();
        assertThat(num(m, "resource_usage.samples")).isGreaterThanOrEqualTo(2);
    }
}
