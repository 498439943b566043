package io.soak.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.dsl.internal.Criteria;
import io.soak.engine.internal.Baseline;
import org.junit.jupiter.api.Test;

/**
 * The scenario language accepts a waiver for exactly the baseline criteria the engine evaluates: the DSL keeps its
 * own list (it does not depend on the engine), so the two are compared here, where both are on the class path.
 */
class BaselineNamesTest {

    @Test
    void theDslWaivesExactlyTheEnginesBaselineCriteria() {
        assertThat(Criteria.BASELINE).containsExactlyInAnyOrderElementsOf(Baseline.NAMES);
    }
}
