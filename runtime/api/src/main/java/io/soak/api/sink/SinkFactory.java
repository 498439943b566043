package io.soak.api.sink;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.osgi.annotation.versioning.ConsumerType;

/** Published as an OSGi service by a sink bundle ({@code jsonl}, {@code sqlite}). */
@ConsumerType
public interface SinkFactory {

    /** The sink type the plan names. */
    String type();

    Sink open(SinkContext context) throws Exception;

    /**
     * Reads back every row this sink type persisted for a run directory, ordered by (topic, seq), from
     * the files alone (used for parity, per-sink reports and {@code soak verify}). The caller closes the stream.
     */
    Stream<Row> readBack(Path runDirectory) throws Exception;
}
