package io.soak.api.signal;

import java.util.List;

/**
 * One signal decision (DOMAIN.md 3). Serialised with snake_case names; the row adds run_id and seq.
 * One meaning per field for the life of the project.
 *
 * @param tsMs         exchange event time of the evaluated input, ms since epoch
 * @param regime       {@code quiet}, {@code normal} or {@code active}
 * @param confirm      direction != 0 and no guard reason
 * @param signalType   {@code strong_buy}, {@code buy}, {@code strong_sell}, {@code sell}, {@code pending} or {@code neutral}
 * @param guardReasons every reason that applies, in the documented order, exact strings; empty when none
 * @param strong       confirmed and past the regime's strong threshold
 */
public record Decision(long tsMs, String symbol, double score, double zOfi, double zCvd, double consistency,
                       double spreadBps, double lagSec, String regime, boolean confirm, String signalType,
                       List<String> guardReasons, boolean strong) {

    public Decision {
        guardReasons = List.copyOf(guardReasons);
    }
}
