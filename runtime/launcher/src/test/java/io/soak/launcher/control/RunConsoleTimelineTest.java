package io.soak.launcher.control;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.source.RawMessage;
import io.soak.engine.EngineOptions;
import io.soak.engine.Registry;
import io.soak.engine.RunContext;
import io.soak.engine.RunExtension;
import io.soak.engine.RunOutcome;
import io.soak.engine.SoakRun;
import io.soak.testing.fakes.ReplayFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The run console's timeline writes follow the shared failure-streak rule ({@code io.soak.api.log.Repeats.Streak}):
 * on a disk that refuses every write (the timeline is {@code /dev/full}), one warning for the streak, the rest in
 * the debug log, instead of one warning per line.
 */
class RunConsoleTimelineTest {

    @TempDir
    Path runs;

    @Test
    void aTimelineThatCannotBeWrittenWarnsOncePerStreak() {
        RawMessage[] feed = new RawMessage[200];
        for (int i = 0; i < feed.length; i++) {
            feed[i] = new RawMessage(1_704_067_200_000_000_000L + i * 100_000_000L, Integer.toString(i));
        }
        Registry r = new Registry();
        r.addReplay(ReplayFixture.messages("prebuilt", feed));
        r.addStage(ReplayFixture.probe("probe", (ctx, e) -> { }));
        ScenarioPlan plan = ReplayFixture.plan("timeline", ReplayFixture.source("prebuilt", List.of(), Map.of()))
                .duration(Duration.ofSeconds(20)).stages(List.of("probe")).health(Duration.ofSeconds(1)).build();
        RunExtension diskFull = new RunExtension() {
            @Override
            public String name() {
                return "disk-full";
            }

            @Override
            public void beforeStart(RunContext run) throws Exception {
                Files.createSymbolicLink(run.runDirectory().resolve(RunConsole.TIMELINE), Path.of("/dev/full"));
            }
        };
        RunConsole console = new RunConsole(List.of(), Map::of, "test");
        Logger log = (Logger) LoggerFactory.getLogger(RunConsole.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        log.addAppender(events);
        Level before = log.getLevel();
        log.setLevel(Level.DEBUG);
        try {
            RunOutcome out = new SoakRun(plan, r, List.of(diskFull, console), EngineOptions.of(runs).withRunId("timeline")).run();
            assertThat(out.manifest()).isNotNull();
        } finally {
            log.detachAppender(events);
            log.setLevel(before);
        }
        List<ILoggingEvent> failed = events.list.stream().filter(e -> e.getFormattedMessage().startsWith("timeline line not written"))
                .toList();
        assertThat(failed.size()).as("a line per health tick failed").isGreaterThan(5);
        assertThat(failed.stream().filter(e -> e.getLevel() == Level.WARN)).singleElement()
                .extracting(ILoggingEvent::getFormattedMessage).asString()
                .contains("No space left on device").contains("further failures in a row: in the debug log");
        assertThat(failed.stream().filter(e -> e.getLevel() == Level.DEBUG)).hasSize(failed.size() - 1);
    }
}
