package io.soak.harvest.internal;

/**
 * A diff update ({@code @depth@0ms|100ms}) or a REST snapshot, as parsed: the input of {@link LocalBook},
 * not a bus event. Level arrays in the order received.
 *
 * @param snapshot    true for a REST snapshot ({@code lastUpdateId} in {@code finalId}; first/prev ids unused)
 * @param symbol      upper-case symbol; null for a bare snapshot line that names none
 */
record ParsedDepth(boolean snapshot, String symbol, String stream, long firstId, long finalId, long prevId,
                   double[] bidPrices, double[] bidQuantities, double[] askPrices, double[] askQuantities,
                   long eventTimeMs, long receivedNanos) {
}
