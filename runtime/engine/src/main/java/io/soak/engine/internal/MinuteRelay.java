package io.soak.engine.internal;

import io.soak.api.stage.Envelope;
import io.soak.api.stats.MinuteStats;
import io.soak.engine.RunExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Minute statistics to the extensions (control thread): groups the rows of one minute observed on the bus and
 * calls {@link RunExtension#onMinute} when the minute's {@code all} row arrives.
 */
final class MinuteRelay {

    private final Engine engine;
    private final TreeMap<Long, List<MinuteStats>> openMinutes = new TreeMap<>();
    long delivered;

    MinuteRelay(Engine engine) {
        this.engine = engine;
    }

    void observe(Envelope e) {
        if (!(e.payload() instanceof MinuteStats ms)) {
            return;
        }
        List<MinuteStats> rowsOfMinute = openMinutes.computeIfAbsent(ms.minuteStartMs(), k -> new ArrayList<>());
        rowsOfMinute.add(ms);
        if (MinuteStats.ALL.equals(ms.symbol())) {
            openMinutes.remove(ms.minuteStartMs());
            delivered++;
            List<MinuteStats> minute = List.copyOf(rowsOfMinute);
            for (RunExtension x : engine.extensions) {
                try {
                    x.onMinute(engine.runContext, minute);
                } catch (RuntimeException ex) {
                    engine.extensionErrors.put(x.name(), "onMinute: " + StageSlot.oneLine(ex));
                    Engine.LOG.warn("extension {} failed on minute {}: {}", x.name(), ms.minuteStartMs(),
                            StageSlot.oneLine(ex));
                }
            }
        }
    }
}
