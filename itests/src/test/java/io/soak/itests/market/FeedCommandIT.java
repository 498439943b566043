package io.soak.itests.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.launcher.Launcher;
import io.soak.testing.SoakHost;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Faults reach a running {@code soak feed} from outside (another shell, here another thread over loopback HTTP):
 * the command prints its control URL, a {@code feed-gap} sent to it skips diffs of the running feed (a client
 * subscribed to the diff stream sees the {@code pu} break), a bad fault is answered 400 with a message, and
 * {@code /soak/describe} lists the fault applied. {@code soak feed} runs in-process against the built bundles.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FeedCommandIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Collects text frames. */
    static final class Client implements WebSocket.Listener {
        final List<String> texts = new CopyOnWriteArrayList<>();
        private final StringBuilder part = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                texts.add(part.toString());
                part.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aFaultSentToTheControlUrlOfARunningSoakFeedActsOnItsClients() throws Exception {
        Path btc = io.soak.testdata.TestData.dir().resolve("btcusdt_20240808.gz").toAbsolutePath();
        Path home = Path.of(System.getProperty(SoakHost.HOME_PROPERTY, "target/soak-home"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> feed = CompletableFuture.supplyAsync(() -> new Launcher(home, Map.of(), false)
                .execute(new PrintWriter(out), new PrintWriter(err), "feed", "--files", btc.toString(), "--pace", "2x",
                        "--duration", "20"));
        await().atMost(Duration.ofSeconds(60)).until(() -> out.toString().contains("faults: ") || feed.isDone());
        Matcher m = Pattern.compile("faults: (http://127\\.0\\.0\\.1:\\d+)/soak/fault").matcher(out.toString());
        assertThat(m.find()).as("control URL printed: %s / %s", out, err).isTrue();
        String http = m.group(1);
        String ws = http.replaceFirst("^http:", "ws:");

        Client c = new Client();
        WebSocket socket = HTTP.newWebSocketBuilder().buildAsync(URI.create(ws + "/public/stream?streams=btcusdt@depth@0ms"), c).join();
        await().atMost(Duration.ofSeconds(20)).until(() -> c.texts.size() >= 5);
        int before = c.texts.size();

        HttpResponse<String> gap = get(http + "/soak/fault?kind=feed-gap&target=btcusdt@depth@0ms&count=2");
        assertThat(gap.statusCode()).as(gap.body()).isEqualTo(200);
        assertThat(JSON.readTree(gap.body()).get("effect").asText()).contains("skipping 2 update(s)");
        HttpResponse<String> bad = get(http + "/soak/fault?kind=feed-nonsense");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("feed-nonsense");

        // the client sees the gap: a diff whose pu is not the previous u, after the fault
        await().atMost(Duration.ofSeconds(20)).until(() -> breaks(c.texts.subList(before - 1, c.texts.size())) >= 1);
        socket.abort();
        JsonNode described = JSON.readTree(get(http + "/soak/describe").body());
        assertThat(described.get("faults").size()).isEqualTo(1);

        assertThat(feed.get(60, TimeUnit.SECONDS)).as("soak feed exit, err: %s", err).isZero();
        assertThat(out.toString()).contains("feed emulator stopped after sending");
    }

    static long breaks(List<String> texts) throws Exception {
        long n = 0;
        long lastU = -1;
        for (String t : texts) {
            JsonNode d = JSON.readTree(t).get("data");
            if (d == null || !d.has("pu")) {
                continue;
            }
            if (lastU >= 0 && d.get("pu").asLong() != lastU) {
                n++;
            }
            lastU = d.get("u").asLong();
        }
        return n;
    }
}
