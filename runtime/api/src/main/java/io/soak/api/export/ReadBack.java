package io.soak.api.export;

import java.util.List;

/**
 * What a query of the target found of this run's exports, against what the exporter wrote.
 *
 * @param written    points (samples) the exporter sent and the server answered 2xx for, for the scope of the query
 *                   (the whole run for stores that keep history; the last push for a Pushgateway group)
 * @param found      points of the same scope that the query found
 * @param query      the query, one line, without credentials
 * @param rejections reasons the server gave for points it did not keep (for example VictoriaMetrics'
 *                   {@code vm_rows_ignored_total{reason="small_timestamp"}}), empty when none or unknown
 */
public record ReadBack(long written, long found, String query, List<String> rejections) {

    public ReadBack {
        rejections = List.copyOf(rejections);
    }

    /** True when every written point was found. */
    public boolean complete() {
        return found >= written;
    }
}
