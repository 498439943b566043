package io.soak.evidence;

import io.soak.stats.MinuteAccumulator;
import io.soak.api.stats.MinuteStats;
import java.util.ArrayList;
import java.util.List;

/** Minute tables recomputed from sink rows, on explicit windows (so two sides line up). */
final class Minutes {

    private Minutes() {
    }

    /**
     * The rows of every minute in [first, last] (zeros where the accumulator has none). Consumes the
     * accumulator's minutes, so call it once per accumulator.
     */
    static List<List<MinuteStats>> range(MinuteAccumulator acc, long first, long last) {
        List<List<MinuteStats>> out = new ArrayList<>();
        for (long t = first; t <= last; t += MinuteAccumulator.MINUTE_MS) {
            out.add(acc.close(t, null));
        }
        return out;
    }
}
