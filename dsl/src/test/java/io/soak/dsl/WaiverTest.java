package io.soak.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.soak.api.plan.Criterion;
import io.soak.api.plan.ScenarioPlan;
import org.junit.jupiter.api.Test;

/** {@code expect { waive '<baseline criterion>', because: '…' }}: explicit, named, with a reason. */
class WaiverTest {

    private static ScenarioPlan load(String expect) {
        return ScenarioLoader.load("""
                soak {
                  name 'w'
                  mode 'replay'
                  pace 'max'
                  duration 1.minutes
                  source { type 'counter'; symbols 'BTCUSDT' }
                  stages 'pass'
                  sink 'none'
                  expect {
                %s
                  }
                }
                """.formatted(expect), "w.groovy");
    }

    @Test
    void recordsTheWaiverWithItsReasonAmongTheExpectations() {
        ScenarioPlan plan = load("    waive 'book_synced.BTCUSDT', because: 'the feed serves partial depth only'");
        assertThat(plan.expectations()).containsExactly(new Criterion("waive.book_synced.BTCUSDT", "baseline", "waive",
                "book_synced.BTCUSDT", "the feed serves partial depth only"));
    }

    @Test
    void refusesAnUnknownBaselineCriterionListingTheKnownOnes() {
        assertThatThrownBy(() -> load("    waive 'book_sync', because: 'x'"))
                .hasMessageContaining("unknown baseline criterion 'book_sync'")
                .hasMessageContaining("run_completed, messages_handled, substream, decisions, book_synced");
    }

    @Test
    void refusesAWaiverWithoutAReason() {
        assertThatThrownBy(() -> load("    waive 'run_completed'")).hasMessageContaining("needs because:");
        assertThatThrownBy(() -> load("    waive 'run_completed', because: '  '")).hasMessageContaining("because:");
    }
}
