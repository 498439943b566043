package io.soak.harvest.internal;

import io.soak.api.source.SourceContext;
import java.io.IOException;
import java.util.function.Consumer;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST depth snapshot client of the live source: {@code GET <rest>/fapi/v1/depth?symbol=&limit=} on OkHttp
 * (asynchronous, OkHttp's threads), retries on the engine scheduler. Binance's weight limits are respected:
 * a 418 (IP banned) or 429 (too many requests) stops every request of this client until the {@code Retry-After}
 * the server gave (seconds; 60 s when absent) has passed; other failures retry the symbol with a backoff of
 * 1, 2, 4 … 30 s. Counters: {@code depth_snapshot_requests}, {@code depth_snapshot_errors},
 * {@code depth_snapshot_throttled}.
 */
final class DepthSnapshotClient {

    private static final Logger LOG = LoggerFactory.getLogger(DepthSnapshotClient.class);

    private final OkHttpClient http;
    private final BinanceEndpoints endpoints;
    private final int limit;
    private final SourceContext ctx;
    private volatile boolean stopped;
    private long blockedUntilNanos; // guarded by this

    DepthSnapshotClient(OkHttpClient http, BinanceEndpoints endpoints, int limit, SourceContext ctx) {
        this.http = http;
        this.endpoints = endpoints;
        this.limit = limit;
        this.ctx = ctx;
    }

    /** Fetches the snapshot of {@code symbol} until it succeeds (or the client stops); the body goes to {@code onBody}. */
    void fetch(String symbol, Consumer<String> onBody) {
        attempt(symbol, onBody, 0);
    }

    private void attempt(String symbol, Consumer<String> onBody, int failures) {
        if (stopped) {
            return;
        }
        long wait;
        synchronized (this) {
            wait = blockedUntilNanos - ctx.clock().nanos();
        }
        if (wait > 0) {
            ctx.scheduler().schedule(wait, () -> attempt(symbol, onBody, failures));
            return;
        }
        ctx.metrics().increment("depth_snapshot_requests");
        Request req = new Request.Builder().url(endpoints.depthUrl(symbol, limit)).get().build();
        http.newCall(req).enqueue(new Callback() {
            @Override
            public void onFailure(Call call, IOException e) {
                retry(symbol, onBody, failures, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            }

            @Override
            public void onResponse(Call call, Response response) {
                try (response) {
                    int code = response.code();
                    if (code == 418 || code == 429) {
                        long s = retryAfterSeconds(response.header("Retry-After"));
                        synchronized (DepthSnapshotClient.this) {
                            blockedUntilNanos = Math.max(blockedUntilNanos, ctx.clock().nanos() + s * 1_000_000_000L);
                        }
                        ctx.metrics().increment("depth_snapshot_throttled");
                        LOG.warn("depth snapshot of {}: HTTP {} (request weight limit); waiting {} s as told by Retry-After",
                                symbol, code, s);
                        attempt(symbol, onBody, failures);
                        return;
                    }
                    String body = response.body().string();
                    if (code != 200 || !body.contains("\"lastUpdateId\"")) {
                        retry(symbol, onBody, failures, "HTTP " + code + " "
                                + (body.length() > 120 ? body.substring(0, 120) + "…" : body));
                        return;
                    }
                    onBody.accept(body);
                } catch (IOException | RuntimeException e) {
                    retry(symbol, onBody, failures, e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
        });
    }

    private void retry(String symbol, Consumer<String> onBody, int failures, String why) {
        if (stopped) {
            return;
        }
        ctx.metrics().increment("depth_snapshot_errors");
        long delayMs = Math.min(30_000L, 1000L << Math.min(failures, 5));
        LOG.warn("depth snapshot of {} failed ({}); retrying in {} ms", symbol, why, delayMs);
        ctx.scheduler().schedule(delayMs * 1_000_000L, () -> attempt(symbol, onBody, failures + 1));
    }

    /** {@code Retry-After} in seconds (an integer; 60 when absent or not a number, at least 1). */
    static long retryAfterSeconds(String header) {
        if (header == null) {
            return 60;
        }
        try {
            return Math.max(1, Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            return 60;
        }
    }

    void stop() {
        stopped = true;
    }
}
