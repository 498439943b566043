package io.soak.harvest.internal;

import io.soak.capture.CaptureReplay;
import io.soak.api.plan.SourceSpec;
import io.soak.api.source.RawMessage;
import io.soak.api.source.ReplayFeed;
import io.soak.api.source.ReplayFeedFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * Replay type {@code capture}: the capture files of the source spec merged by local receive time, looped
 * (setting {@code loop_gap_ms}, default 1000) and aliased through {@link CaptureReplay}; setting
 * {@code max_time_skew_s} (60) bounds |receive time − exchange time − the file's clock offset| of a line. The replay clock is
 * the recording's local receive time (the line prefix), not the exchange's {@code E}.
 */
@Component(service = ReplayFeedFactory.class)
public final class CaptureReplayFeedFactory implements ReplayFeedFactory {

    @Override
    public String type() {
        return "capture";
    }

    @Override
    public ReplayFeed open(SourceSpec spec, long seed) throws IOException {
        long gapMs = 1000;
        Object g = spec.settings().get("loop_gap_ms");
        if (g != null) {
            gapMs = Long.parseLong(g.toString().trim());
        }
        long skewMs = io.soak.capture.CaptureReader.DEFAULT_MAX_SKEW_MS;
        Object k = spec.settings().get("max_time_skew_s");
        if (k != null) {
            skewMs = (long) (Double.parseDouble(k.toString().trim()) * 1000);
        }
        CaptureReplay replay = new CaptureReplay(new CaptureReplay.Options(
                spec.files().stream().map(Path::of).toList(), spec.symbols(), spec.aliases(), spec.loop(),
                gapMs * 1_000_000L, skewMs));
        return replay; // a CaptureReplay is a ReplayFeed
    }
}
