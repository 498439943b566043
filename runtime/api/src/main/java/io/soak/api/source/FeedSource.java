package io.soak.api.source;

import io.soak.api.stage.HealthReport;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A push source used in {@code live} mode: it connects (for example a WebSocket to Binance or to the feed
 * emulator) and offers every received message to {@link SourceContext#ingress()}. Its I/O threads belong
 * to its client library; it must never block them on the pipeline.
 */
@ConsumerType
public interface FeedSource {

    void start(SourceContext context) throws Exception;

    /** Stops intake (graceful shutdown step one). Idempotent. */
    void stop();

    default HealthReport health() {
        return HealthReport.healthy();
    }
}
