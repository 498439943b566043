package io.soak.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.stage.HealthState;
import io.soak.engine.RunStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthWindowTest {

    private static RunStatus tick(long s, HealthState signal) {
        return new RunStatus(s * 1000, List.of(
                new RunStatus.StageStatus("signal", "running", signal, signal == HealthState.UNHEALTHY ? "stalled" : "", 0, 0, 0),
                new RunStatus.StageStatus("report", "running", HealthState.HEALTHY, "", 0, 0, 0)), 0,
                new RunStatus.Resources(100, 100, 10, 10, 20, 20));
    }

    @Test
    void measuresTheLongestUnhealthyStretchOfTheMinuteEvenWhenItRecoveredBeforeTheEnd() {
        HealthWindow w = new HealthWindow();
        w.tick(tick(0, HealthState.HEALTHY));
        w.tick(tick(10, HealthState.UNHEALTHY));
        w.tick(tick(20, HealthState.UNHEALTHY));
        w.tick(tick(30, HealthState.UNHEALTHY));
        w.tick(tick(40, HealthState.UNHEALTHY));
        w.tick(tick(50, HealthState.HEALTHY));
        assertThat(w.stretches()).containsOnlyKeys("signal").containsEntry("signal", 30.0);
        assertThat(w.details()).containsEntry("signal", "stalled");
        w.nextWindow(60_000);
        assertThat(w.stretches()).isEmpty();
    }

    @Test
    void carriesTheRunningStretchOfAStageStillUnhealthyIntoTheNextMinute() {
        HealthWindow w = new HealthWindow();
        w.tick(tick(50, HealthState.UNHEALTHY));
        w.nextWindow(60_000);
        assertThat(w.stretches()).containsEntry("signal", 10.0);
        w.tick(tick(80, HealthState.UNHEALTHY));
        assertThat(w.stretches()).containsEntry("signal", 30.0);
    }
}
