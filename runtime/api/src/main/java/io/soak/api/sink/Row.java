package io.soak.api.sink;

/**
 * One persisted row. The engine serialises the event once into {@code json} (canonical: snake_case,
 * fixed field order, with {@code run_id} and {@code seq}) and hands the same row to every sink, so two
 * sinks hold byte-identical rows. Identity is (runId, topic, seq): writing it twice keeps one row.
 *
 * @param eventTimeMs the payload's event time (ms since epoch) used to file it by minute/hour; the
 *                    envelope time when the payload has none
 * @param symbol      the payload's symbol, or empty
 */
public record Row(String runId, String topic, long seq, long eventTimeMs, String symbol, String json) {
}
