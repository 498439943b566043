package io.soak.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.soak.api.plan.AlertRuleSpec;
import io.soak.api.plan.Criterion;
import io.soak.api.plan.FaultSpec;
import io.soak.api.plan.Mode;
import io.soak.api.plan.Pace;
import io.soak.api.plan.RestartPolicy;
import io.soak.api.plan.ScenarioPlan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The scenario language: plans from scripts, defaults, and one-line errors with file and line. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ScenarioLoaderTest {

    private static final Map<String, String> ENV = Map.of("INFLUX_TOKEN", "s3cr3t-token", "TIMESERIES_URL", "http://127.0.0.1:9999");

    private static ScenarioPlan load(String text) {
        return ScenarioLoader.load(text, "test.groovy", ENV);
    }

    private static String error(String text) {
        try {
            ScenarioLoader.load(text, "bad.groovy", ENV);
        } catch (ScenarioException e) {
            assertThat(e.file()).isEqualTo("bad.groovy");
            assertThat(e.getMessage()).doesNotContain("\n");
            return e.getMessage();
        }
        throw new AssertionError("expected a ScenarioException for:\n" + text);
    }

    @Test
    void evaluatesTheFullExampleToAPlan() throws Exception {
        Path script = Path.of("src/test/resources/full.groovy");
        ScenarioPlan p = ScenarioLoader.load(script, ENV);

        assertThat(p.name()).isEqualTo("acceptance-60m");
        assertThat(p.scriptFile()).isEqualTo(script.toString());
        assertThat(p.mode()).isEqualTo(Mode.REPLAY);
        assertThat(p.pace()).isEqualTo(Pace.MAX);
        assertThat(p.seed()).isEqualTo(42);
        assertThat(p.duration()).isEqualTo(Duration.ofMinutes(60));
        assertThat(p.source().type()).isEqualTo("capture");
        assertThat(p.source().symbols()).containsExactly("BTCUSDT", "ETHUSDT", "SOLUSDT");
        assertThat(p.source().streams()).containsExactly("trade", "bookTicker", "depth@0ms");
        assertThat(p.source().files()).hasSize(2).allSatisfy(f -> assertThat(f).endsWith("_20240808.gz").contains("binance-usdm"));
        assertThat(p.source().loop()).isTrue();
        assertThat(p.source().aliases()).containsEntry("SOLUSDT", "BTCUSDT");
        assertThat(p.source().settings()).containsEntry("some.key", 5L);
        assertThat(p.stages()).containsExactly("harvest", "signal", "broker", "report");
        assertThat(p.sinks()).containsExactly("jsonl", "sqlite");
        assertThat(p.healthInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.restartPolicy()).isEqualTo(RestartPolicy.defaults());
        assertThat(p.timeseries().type()).isEqualTo("prometheus");
        assertThat(p.timeseries().url()).isEqualTo("http://127.0.0.1:9999");
        assertThat(p.timeseries().options()).containsEntry("job", "soak");
        assertThat(p.timeseries().secrets()).containsEntry("token", "s3cr3t-token");
        assertThat(p.alerts()).extracting(AlertRuleSpec::name).containsExactly("no_signals", "low_consistency",
                "strong_ratio_collapse", "export_failing", "data_dropped", "stage_unhealthy", "my_rule");
        AlertRuleSpec mine = p.alerts().get(6);
        assertThat(mine.kind()).isEqualTo("threshold");
        assertThat(mine.forDuration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(mine.params()).containsEntry("metric", "strong_ratio").containsEntry("below", 0.05);
        assertThat(p.faults()).extracting(FaultSpec::kind).containsExactly("feed-stall", "kill", "crash", "hang");
        assertThat(p.faults().get(0).target()).isEqualTo("btcusdt@trade");
        assertThat(p.faults().get(0).duration()).isEqualTo(Duration.ofSeconds(200));
        assertThat(p.faults().get(3).duration()).isEqualTo(Duration.ofSeconds(20));
        assertThat(p.config()).containsEntry("signal.z.window", 300L);
        assertThat(p.reportTimeZone()).isEqualTo("Asia/Tokyo");
        assertThat(p.expectations()).extracting(Criterion::path).contains("health.green_ratio",
                "status.processes.signal.restart_count", "status.processes.signal.max_recovery_ms",
                "resource_usage.max_rss_mb", "resource_usage.max_open_files", "shutdown.sequence",
                "harvester_metrics.queue_dropped", "harvester_metrics.substream_timeout_detected",
                "harvester_metrics.reconnect_count", "timeseries_export.export_count", "timeseries_export.error_count",
                "parity.total_diff_pct", "parity.confirm_diff_pct", "parity.strong_ratio_diff_pct",
                "alerts.fired_rules", "alerts.resolved_rules", "broker.invariants_ok", "bus.topics.decision.published");
        assertThat(p.expectations()).contains(new Criterion("signal_recovery_ms", "status.processes.signal.max_recovery_ms",
                "<=", 12_000L, "signal was running again within 12000 ms of every failure"));
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(Files.readString(script).getBytes(StandardCharsets.UTF_8));
        assertThat(p.scriptHash()).isEqualTo(HexFormat.of().formatHex(sha));
    }

    @Test
    void appliesDefaultsForEveryAbsentBlock() {
        ScenarioPlan p = ScenarioLoader.load("soak { }", "defaults-only.groovy", Map.of());

        assertThat(p.name()).isEqualTo("defaults-only");
        assertThat(p.mode()).isEqualTo(Mode.REPLAY);
        assertThat(p.pace()).isEqualTo(Pace.MAX);
        assertThat(p.seed()).isEqualTo(1);
        assertThat(p.duration()).isEqualTo(Duration.ofMinutes(10));
        assertThat(p.stages()).containsExactly("harvest", "signal", "broker", "report");
        assertThat(p.sinks()).containsExactly("jsonl");
        assertThat(p.healthInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.restartPolicy()).isEqualTo(RestartPolicy.defaults());
        assertThat(p.timeseries().type()).isEqualTo("file");
        assertThat(p.alerts()).hasSize(6);
        assertThat(p.faults()).isEmpty();
        assertThat(p.reportTimeZone()).isEqualTo("UTC");
        assertThat(p.source().type()).isEqualTo("synthetic");
        assertThat(p.source().symbols()).containsExactly("BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT", "DOGEUSDT");
    }

    @Test
    void standardAlertsCarryTheDomainDefaults() {
        Map<String, AlertRuleSpec> rules = new java.util.LinkedHashMap<>();
        load("soak { alerts { standard() } }").alerts().forEach(r -> rules.put(r.name(), r));

        assertThat(rules.get("no_signals")).satisfies(r -> {
            assertThat(r.level()).isEqualTo("critical");
            assertThat(r.forDuration()).isEqualTo(Duration.ofMinutes(2));
        });
        assertThat(rules.get("low_consistency").params()).containsEntry("threshold", 0.8).containsEntry("min_decisions", 20L);
        assertThat(rules.get("strong_ratio_collapse").params()).containsEntry("trailing", 15L).containsEntry("min_minutes", 10L)
                .containsEntry("min_total", 20L).containsEntry("mad_k", 3.0).containsEntry("floor", 0.25);
        assertThat(rules.get("export_failing").params()).containsEntry("consecutive", 3L);
        assertThat(rules.get("data_dropped").level()).isEqualTo("warning");
        assertThat(rules.get("stage_unhealthy").forDuration()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void tunesAndDisablesStandardRules() {
        List<AlertRuleSpec> rules = load("""
                soak {
                  alerts {
                    rule('low_consistency') { threshold 0.7 }
                    disable 'data_dropped'
                  }
                }""").alerts();

        assertThat(rules).extracting(AlertRuleSpec::name).containsExactly("low_consistency", "data_dropped",
                "no_signals", "strong_ratio_collapse", "export_failing", "stage_unhealthy");
        assertThat(rules.get(0).params()).containsEntry("threshold", 0.7).containsEntry("min_decisions", 20L);
        assertThat(rules.get(0).enabled()).isTrue();
        assertThat(rules.subList(1, 6)).as("standard rules the block does not define are written out disabled")
                .noneMatch(AlertRuleSpec::enabled);
    }

    @Test
    void noneDisablesEveryStandardRuleAndExplicitZeroTimingIsKept() {
        assertThat(load("soak { alerts { none() } }").alerts()).hasSize(6).noneMatch(AlertRuleSpec::enabled);

        AlertRuleSpec r = load("soak { alerts { rule('no_signals') { forDuration 0.minutes } } }").alerts().get(0);
        assertThat(r.forDuration()).isZero();
        assertThat(r.params()).as("zero said explicitly, so a runtime filling unset durations keeps it").containsEntry("for", "0s");
    }

    @Test
    void reportsAMisspeltSettingWithFileLineAndKnownSettings() {
        assertThat(error("soak {\n  name 'x'\n  durtion 5.minutes\n}"))
                .startsWith("(bad.groovy, line 3) unknown setting 'durtion' in soak { }; did you mean 'duration'? known: alerts, "
                        + "cluster, config, duration, expect, faults, health, minutes, mode")
                .hasSizeLessThanOrEqualTo(ScenarioException.MAX_LENGTH);
    }

    @Test
    void reportsAMisspeltSettingInsideANestedBlock() {
        assertThat(error("soak {\n  source {\n    symbls 'BTCUSDT'\n  }\n}"))
                .startsWith("(bad.groovy, line 3) unknown setting 'symbls' in source { }; did you mean 'symbols'? known: ")
                .contains("symbols", "streams", "files");
        assertThat(error("soak {\n  alerts {\n    rule('no_signals') {\n      levl 'warning'\n    }\n  }\n}"))
                .startsWith("(bad.groovy, line 4) unknown setting 'levl' in rule('no_signals') { }; did you mean 'level'? known: ")
                .contains("level", "forDuration");
        assertThat(error("soak {\n  expect { maxRss below: 600 }\n}"))
                .startsWith("(bad.groovy, line 2) unknown setting 'maxRss' in expect { }; did you mean 'maxRssMb'? known: ")
                .contains("maxRssMb");
    }

    @Test
    void latencyCriterionIsTheTotalPercentileInMilliseconds() {
        ScenarioPlan plan = load("soak {\n  expect {\n    latency 'p99', below: 50.millis\n    latency 'max', atMost: 250\n  }\n}");
        assertThat(plan.expectations()).anySatisfy(c -> {
            assertThat(c.name()).isEqualTo("latency_p99_ms");
            assertThat(c.path()).isEqualTo("latency.total.p99_ms");
            assertThat(c.op()).isEqualTo("<");
            assertThat(c.expected()).isEqualTo(50L);
        });
        assertThat(plan.expectations()).anySatisfy(c -> {
            assertThat(c.path()).isEqualTo("latency.total.max_ms");
            assertThat(c.op()).isEqualTo("<=");
        });
        assertThat(error("soak {\n  expect { latency 'p95', below: 50.millis }\n}"))
                .startsWith("(bad.groovy, line 2) soak.expect.latency: 'p95' is not one of p50, p99, p999, max");
    }

    @Test
    void rejectsAssignmentSyntaxInsteadOfSilentlySettingAScriptVariable() {
        assertThat(error("soak {\n  duration = 5.minutes\n}"))
                .isEqualTo("(bad.groovy, line 2) write duration 5m (without '=') in soak { }");
        assertThat(error("soak {\n  source { symbls = ['BTCUSDT'] }\n}"))
                .startsWith("(bad.groovy, line 2) unknown setting 'symbls' in source { }");
    }

    @Test
    void rejectsASettingOfAnOuterBlockUsedInsideAnInnerOne() {
        assertThat(error("soak {\n  source {\n    duration 5.minutes\n  }\n}"))
                .isEqualTo("(bad.groovy, line 3) 'duration' is a setting of soak { }, not of source { }");
    }

    @Test
    void reportsUnquotedTextAndUnknownTimeUnits() {
        assertThat(error("soak {\n  source { symbols BTCUSDT }\n}"))
                .startsWith("(bad.groovy, line 2) unknown setting 'BTCUSDT' in source { } (text needs quotes: 'BTCUSDT')");
        assertThat(error("soak {\n  duration 60.minuts\n}"))
                .isEqualTo("(bad.groovy, line 2) unknown time unit '.minuts'; known: millis, seconds, minutes, hours");
    }

    @Test
    void namesTheFieldAndTheBadValue() {
        assertThat(error("soak {\n  name 'x'\n  duration 0\n}")).isEqualTo("(bad.groovy, line 3) soak.duration must be > 0, got 0");
        assertThat(error("soak {\n  duration 0.minutes\n}")).isEqualTo("(bad.groovy, line 2) soak.duration must be > 0, got 0");
        assertThat(error("soak {\n  minutes 0\n}")).isEqualTo("(bad.groovy, line 2) soak.minutes must be > 0, got 0");
        assertThat(error("soak {\n  duration 60\n}")).contains("soak.duration must be a duration such as 90.seconds");
        assertThat(error("soak {\n  pace 'fast'\n}"))
                .isEqualTo("(bad.groovy, line 2) soak.pace must be 'max' or a multiple such as '1x' or '20x', got 'fast'");
        assertThat(error("soak {\n  mode 'lve'\n}")).isEqualTo("(bad.groovy, line 2) soak.mode must be 'live' or 'replay', got 'lve'");
        assertThat(error("soak {\n  health { interval(-5.seconds) }\n}"))
                .isEqualTo("(bad.groovy, line 2) soak.health.interval must be > 0, got -5s");
        assertThat(error("soak { reportTimeZone 'Asia/Tokio' }")).contains("soak.reportTimeZone must be an IANA zone", "'Asia/Tokio'");
        assertThat(error("soak {\n  restart { backoff 500.millis, multiplier: 0.5 }\n}"))
                .isEqualTo("(bad.groovy, line 2) soak.restart.multiplier must be >= 1, got 0.5");
    }

    @Test
    void rejectsAFaultAfterTheEndOfTheRun() {
        assertThat(error("soak {\n  duration 10.minutes\n  faults {\n    at 30.minutes, kill: 'signal'\n  }\n}"))
                .isEqualTo("(bad.groovy, line 4) soak.faults.at 30m (kill signal) must be before the end of the run (soak.duration 10m)");
    }

    @Test
    void rejectsUnknownFaultKindsAndIncompleteFaults() {
        assertThat(error("soak {\n  faults { at 1.minutes, explode: 'signal' }\n}"))
                .startsWith("(bad.groovy, line 2) soak.faults.at 1m needs exactly one of kill:");
        assertThat(error("soak {\n  faults { at 1.minutes, kind: 'explode', target: 'signal' }\n}"))
                .contains("'explode' is not a fault kind; known: kill, crash, hang, swap, feed-drop");
        assertThat(error("soak {\n  faults { at 1.minutes, feed: 'melt' }\n}"))
                .contains("feed: must be one of drop, stall, latency, corrupt, gap, got 'melt'");
        assertThat(error("soak {\n  faults { at 1.minutes, hang: 'broker' }\n}")).contains("hang needs for:");
        assertThat(error("soak {\n  faults { at 1.minutes, swap: 'signal' }\n}")).contains("swap needs jar:");
        assertThat(error("soak {\n  faults { at(-1.minutes, kill: 'signal') }\n}")).contains("soak.faults.at must be >= 0, got -1m");
    }

    @Test
    void refusesFaultsNothingCanCarryOutWithTheLine(@TempDir Path dir) throws Exception {
        assertThat(error("soak {\n  sinks 'jsonl'\n  faults {\n    at 1.minutes, slow: 'sqlite', for: 1.minutes\n  }\n}"))
                .isEqualTo("(bad.groovy, line 4) soak.faults.at 1m slow: 'sqlite' is not a sink of this plan (sinks jsonl)");
        assertThat(error("soak {\n  faults {\n    at 1.minutes, swap: 'signal', jar: 'hot/no-such-signal.jar'\n  }\n}"))
                .startsWith("(bad.groovy, line 3) soak.faults.at 1m swap jar: 'hot/no-such-signal.jar' does not exist (looked in ");
        assertThat(error("soak {\n  timeseries { type 'none' }\n  faults {\n    at 1.minutes, timeseries: 'outage', for: 1.minutes\n  }\n}"))
                .isEqualTo("(bad.groovy, line 4) soak.faults.at 1m timeseries: 'outage' needs a time-series target, and this plan has timeseries type 'none'");
        java.nio.file.Path jar = java.nio.file.Files.writeString(dir.resolve("signal-2.jar"), "jar");
        FaultSpec swap = load("soak { faults { at 1.minutes, swap: 'signal', jar: '" + jar + "' } }").faults().get(0);
        assertThat(swap.params()).containsEntry("jar", jar.toString());
    }

    @Test
    void buildsEveryFaultKind() {
        List<FaultSpec> faults = load("""
                soak {
                  duration 60.minutes
                  sinks 'dual'
                  faults {
                    at 1.minutes, kill: 'signal'
                    at 2.minutes, crash: 'broker'
                    at 3.minutes, hang: 'report', for: 20.seconds
                    at 4.minutes, swap: 'signal', jar: 'pom.xml'
                    at 5.minutes, feed: 'drop'
                    at 6.minutes, feed: 'stall', target: 'btcusdt@aggTrade', for: 200.seconds
                    at 7.minutes, feed: 'latency', latency: 500.millis, for: 1.minutes
                    at 8.minutes, feed: 'corrupt', count: 5
                    at 9.minutes, feed: 'gap', target: 'btcusdt@depth5@100ms', for: 2.seconds
                    at 10.minutes, timeseries: 'outage', for: 3.minutes
                    at 11.minutes, slow: 'sqlite', delay: 200.millis, for: 1.minutes
                  }
                  sinks 'dual'
                }""").faults();

        assertThat(faults).extracting(FaultSpec::kind).containsExactly("kill", "crash", "hang", "swap", "feed-drop",
                "feed-stall", "feed-latency", "feed-corrupt", "feed-gap", "timeseries-outage", "slow-sink");
        assertThat(faults.get(3).params()).containsEntry("jar", Path.of("pom.xml").toAbsolutePath().toString());
        assertThat(faults.get(6).params()).containsEntry("ms", 500L);
        assertThat(faults.get(7).params()).containsEntry("count", 5L);
        assertThat(faults.get(9).target()).isEqualTo("timeseries");
        assertThat(faults.get(10).target()).isEqualTo("sqlite");
        assertThat(faults.get(10).params()).containsEntry("delay_ms", 200L);
    }

    @Test
    void rejectsAnUnknownExpectOperator() {
        assertThat(error("soak {\n  expect {\n    metric 'a.b', '=~', 3\n  }\n}"))
                .isEqualTo("(bad.groovy, line 3) soak.expect.metric operator must be one of ==, !=, <, <=, >, >=, contains, in_order, got '=~'");
        assertThat(error("soak { expect { healthGreenRatio atleast: 0.9 } }"))
                .contains("unknown option 'atleast:' of soak.expect.healthGreenRatio; known: above, atLeast");
    }

    @Test
    void reportsCompileErrorsAndMissingSoakBlockOnOneLine() {
        assertThat(error("soak {\n  name 'x'\n  stages 'a',\n}")).startsWith("(bad.groovy, line ").contains("does not compile");
        assertThat(error("def x = 1")).isEqualTo("(bad.groovy) no soak { } block: a scenario script describes its run in soak { ... }");
        assertThat(error("sok { }")).isEqualTo("(bad.groovy, line 1) unknown name 'sok' at the top level of the script; known: data, env, soak");
        assertThat(error("soak { }\nsoak { }")).isEqualTo("(bad.groovy, line 2) soak { } may appear only once in a script (first at line 1)");
    }

    @Test
    void expandsDualSinkAndAcceptsEitherSpelling() {
        assertThat(load("soak { sink 'dual' }").sinks()).containsExactly("jsonl", "sqlite");
        assertThat(load("soak { sinks 'sqlite', 'dual' }").sinks()).containsExactly("sqlite", "jsonl");
        assertThat(load("soak { sink 'none' }").sinks()).isEmpty();
    }

    @Test
    void keepsSecretsOutOfTheRedactedPlanAndOutOfToString() {
        ScenarioPlan p = load("soak { timeseries { type 'influxdb'; url 'http://127.0.0.1:8086'; org 'o'; bucket 'b'; secret 'token', env('INFLUX_TOKEN') } }");

        assertThat(p.timeseries().secrets()).containsEntry("token", "s3cr3t-token");
        assertThat(p.toString()).doesNotContain("s3cr3t-token");
        assertThat(p.redacted().toString()).doesNotContain("s3cr3t-token");
        assertThat(p.redacted().timeseries().secrets()).containsEntry("token", "***");
        assertThat(p.timeseries().options()).containsEntry("org", "o").containsEntry("bucket", "b");
        assertThat(load("soak { timeseries { type 'influxdb'; url 'http://127.0.0.1:8086'; secret 'token', env('NOT_SET') } }")
                .timeseries().secrets()).isEmpty();
        assertThat(error("soak { timeseries { type 'influxdb'; url 'http://user:hunter2@127.0.0.1:8086' } }"))
                .contains("must not hold credentials").doesNotContain("hunter2");
    }

    @Test
    void readsTimeLiteralsInEveryUnit() {
        ScenarioPlan p = load("""
                soak {
                  duration 1.5.hours
                  health { interval 90.seconds }
                  restart { backoff 250.millis; maxBackoff '4s'; heartbeatTimeout 1.minute; giveUpAfter 3, within: '2m' }
                }""");

        assertThat(p.duration()).isEqualTo(Duration.ofMinutes(90));
        assertThat(p.healthInterval()).isEqualTo(Duration.ofSeconds(90));
        assertThat(p.restartPolicy()).isEqualTo(new RestartPolicy(Duration.ofMillis(250), 2.0, Duration.ofSeconds(4), 3,
                Duration.ofMinutes(2), Duration.ofMinutes(1)));
    }

    @Test
    void timeLiteralsDoNotLeakOutOfTheEvaluation() {
        load("soak { duration 2.minutes }");

        assertThatThrownBy(() -> org.codehaus.groovy.runtime.InvokerHelper.getProperty(2, "minutes"))
                .isInstanceOf(groovy.lang.MissingPropertyException.class);
    }

    @Test
    void liveModeDefaultsToTheProductionEndpointAndRejectsReplayOnlySettings() {
        ScenarioPlan live = load("soak { mode 'live' }");
        assertThat(live.source().type()).isEqualTo("binance-ws");
        assertThat(live.source().endpoint()).isEqualTo("wss://fstream.binance.com");
        assertThat(live.source().streams()).containsExactly("aggTrade", "bookTicker", "depth5@100ms");
        assertThat(live.pace()).isEqualTo(Pace.REALTIME);

        assertThat(error("soak {\n  mode 'live'\n  pace '20x'\n}")).startsWith("(bad.groovy, line 3) soak.pace applies to replay only");
        assertThat(error("soak {\n  mode 'live'\n  source { type 'capture'; files 'a_1.gz' }\n}"))
                .startsWith("(bad.groovy, line 3) soak.source.type 'capture' replays files and needs mode 'replay'");
        assertThat(error("soak {\n  source {\n    emulator { serve 'synthetic' }\n  }\n}"))
                .startsWith("(bad.groovy, line 3) soak.source.emulator starts a live feed and needs mode 'live'");
    }

    @Test
    void liveAgainstTheEmulatorUsesNoEndpoint() {
        ScenarioPlan p = load("""
                soak {
                  mode 'live'
                  source {
                    files 'btcusdt_20240808.gz'
                    emulator { serve 'files'; pace '20x'; port 0 }
                  }
                }""");

        assertThat(p.source().usesEmulator()).isTrue();
        assertThat(p.source().endpoint()).isEmpty();
        assertThat(p.source().symbols()).containsExactly("BTCUSDT");
        assertThat(p.source().emulator()).containsEntry("serve", "files").containsEntry("pace", "20x").containsEntry("port", 0L);
    }

    @Test
    void acceptanceCardFollowsThePlanAndLaterHelpersOverrideIt() {
        ScenarioPlan p = load("""
                soak {
                  duration 30.minutes
                  sink 'dual'
                  faults { at 15.minutes, kill: 'signal' }
                  expect {
                    acceptanceCard()
                    maxRssMb below: 300
                    parity exact()
                  }
                }""");

        assertThat(p.expectations()).extracting(Criterion::name).contains("health_green_ratio", "export_count",
                "parity_total_diff_pct", "queue_dropped", "max_rss_mb", "shutdown_order", "signal_recovery_ms",
                "broker_invariants", "parity_exact");
        assertThat(p.expectations()).filteredOn(c -> c.name().equals("max_rss_mb")).singleElement()
                .extracting(Criterion::expected).isEqualTo(300L);
        assertThat(p.expectations()).filteredOn(c -> c.name().equals("export_count")).singleElement()
                .extracting(Criterion::expected).isEqualTo(30L);
        assertThat(p.expectations()).filteredOn(c -> c.name().equals("shutdown_order")).singleElement()
                .extracting(Criterion::expected).isEqualTo(List.of("report", "broker", "signal", "harvest"));
    }

    @Test
    void readsScriptVariablesTheEnvironmentAndTheSharedDataDirectory(@TempDir Path dir) throws Exception {
        String old = System.getProperty("soak.shared.data");
        System.setProperty("soak.shared.data", dir.toString());
        try {
            Path script = dir.resolve("vars.groovy");
            Files.writeString(script, """
                    def syms = ['BTCUSDT', 'ETHUSDT']
                    window = 120
                    soak {
                      source { symbols syms; files data('x/btcusdt_1.gz') }
                      config { set 'signal.z.window', window; set signal: [z: [warmup: 50]] }
                      reportTimeZone env('REPORT_TZ', 'UTC')
                    }""");
            ScenarioPlan p = ScenarioLoader.load(script, Map.of("REPORT_TZ", "Asia/Tokyo"));

            assertThat(p.source().symbols()).containsExactly("BTCUSDT", "ETHUSDT");
            assertThat(p.source().files()).containsExactly(dir.resolve("x/btcusdt_1.gz").toString());
            assertThat(p.config()).containsEntry("signal.z.window", 120L).containsEntry("signal.z.warmup", 50L);
            assertThat(p.reportTimeZone()).isEqualTo("Asia/Tokyo");
        } finally {
            if (old == null) {
                System.clearProperty("soak.shared.data");
            } else {
                System.setProperty("soak.shared.data", old);
            }
        }
    }

    @Test
    void reportsAMissingFileAsAScenarioError(@TempDir Path dir) {
        assertThatThrownBy(() -> ScenarioLoader.load(dir.resolve("nope.groovy")))
                .isInstanceOf(ScenarioException.class)
                .hasMessage("(nope.groovy) scenario file not found: " + dir.resolve("nope.groovy"));
    }

    @Test
    void thresholdRulesNeedAMetricAndOneBound() {
        assertThat(error("soak {\n  alerts {\n    rule('mine', kind: 'threshold') { below 0.1 }\n  }\n}"))
                .isEqualTo("(bad.groovy, line 3) soak.alerts.rule('mine') of kind 'threshold' needs metric '...' (a minute statistic such as 'strong_ratio')");
        assertThat(error("soak {\n  alerts {\n    rule('mine') { level 'warning' }\n  }\n}"))
                .startsWith("(bad.groovy, line 3) soak.alerts.rule('mine').kind is required");
        assertThat(error("soak { alerts { rule('mine', kind: 'treshold') } }")).contains("kind must be one of");
    }
}
