package io.soak.api.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one rule for repeated log lines and failure streaks (used by the launcher's filter, the export, the feed connection). */
class RepeatsTest {

    private static final long S = 1_000_000_000L;

    @Test
    void theFirstLineOfAWindowIsShownTheRestCountedIntoOneSummaryWhenTheWindowCloses() {
        Repeats r = new Repeats(60 * S, 5, 100);
        List<Repeats.Due> due = new ArrayList<>();
        assertThat(r.occurred("log\u0000WARN", "owner", "row {} refused", "further", 0, due)).isTrue();
        for (int i = 1; i <= 1000; i++) {
            assertThat(r.occurred("log\u0000WARN", "owner", "row {} refused", "further", i * 1000L, due)).isFalse();
        }
        assertThat(due).isEmpty();
        // the window closed: its summary is due, and this line opens the next window's count
        assertThat(r.occurred("log\u0000WARN", "owner", "row {} refused", "further", 61 * S, due)).isFalse();
        assertThat(due).singleElement().satisfies(d -> {
            assertThat(d.owner()).isEqualTo("owner");
            assertThat(d.line()).isEqualTo("row … refused (repeated 1000 more times in the last 61 s)");
        });
    }

    @Test
    void aSummaryThatFallsDueLongAfterItsWindowSaysWhenTheWindowWasNotTheLastMinute() {
        // live60: "… reconnecting in {} ms (repeated 5 more times in the last 60 s)" printed 40 minutes after the lines
        Repeats r = new Repeats(60 * S, 5, 100);
        List<Repeats.Due> due = new ArrayList<>();
        r.occurred("log\u0000WARN", "owner", "connection {} lost", "further", 0, due);
        r.occurred("log\u0000WARN", "owner", "connection {} lost", "further", S, due);
        r.occurred("log\u0000WARN", "owner", "connection {} lost", "further", 2 * S, due);
        assertThat(r.sweep(40 * 60 * S, true)).singleElement().extracting(Repeats.Due::line)
                .isEqualTo("connection … lost (repeated 2 more times in a 60 s window that began 40 min ago)");
    }

    @Test
    void aSourceOfManyDifferentLinesIsCappedAndTheRestCountUnderOneLine() {
        Repeats r = new Repeats(60 * S, 5, 100);
        List<Repeats.Due> due = new ArrayList<>();
        int shown = 0;
        for (int i = 0; i < 12; i++) {
            if (r.occurred("client", null, "failure " + i, "further warns from client", i, due)) {
                shown++;
            }
        }
        assertThat(shown).isEqualTo(5);
        assertThat(r.sweep(2 * S, true)).singleElement().extracting(Repeats.Due::line)
                .isEqualTo("further warns from client (repeated 7 more times in the last 2 s)");
    }

    @Test
    void aSummaryShowsTheArgumentsOfItsLinesAsVaryingNotAsRawPlaceholders() {
        // soak bench --live: "depth snapshot of {} failed ({}); retrying in {} ms (repeated 5 more times …)"
        Repeats r = new Repeats(60 * S, 5, 100);
        List<Repeats.Due> due = new ArrayList<>();
        String template = "depth snapshot of {} failed ({}); retrying in {} ms";
        assertThat(r.occurred("client", "o", template, "further", 0, due)).isTrue();
        assertThat(r.occurred("client", "o", template, "further", S, due)).isFalse();
        assertThat(r.sweep(2 * S, true)).singleElement().extracting(Repeats.Due::line)
                .isEqualTo("depth snapshot of … failed (…); retrying in … ms (repeated 1 more time in the last 2 s)");
    }

    @Test
    void aStreakWarnsOnceAndSaysHowManyFailedWhenItEnds() {
        Repeats.Streak s = new Repeats.Streak();
        assertThat(s.ended()).isZero();
        assertThat(s.failed()).isTrue();
        assertThat(s.failed()).isFalse();
        assertThat(s.failed()).isFalse();
        assertThat(s.length()).isEqualTo(3);
        assertThat(s.ended()).isEqualTo(3);
        assertThat(s.length()).isZero();
        assertThat(s.failed()).as("a new streak warns again").isTrue();
        assertThat(s.longest()).isEqualTo(3);
    }
}
