package io.soak.api.sink;

import io.soak.api.stage.HealthReport;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A sink of one run. The engine calls it from one sink thread at a time: {@code write} with batches in
 * seq order per topic (a batch may repeat rows after a crash: the sink keeps one row per identity),
 * {@code commit} on the engine's durability timer and at stop, {@code close} last.
 */
@ConsumerType
public interface Sink {

    void write(List<Row> rows) throws Exception;

    /** Makes every row written so far durable. Rows are acknowledged only after a commit returns. */
    void commit() throws Exception;

    void close() throws Exception;

    default HealthReport health() {
        return HealthReport.healthy();
    }
}
