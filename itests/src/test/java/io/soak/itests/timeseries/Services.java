package io.soak.itests.timeseries;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * The real services started by {@code scripts/services.sh start}: their URLs come from the env file it writes,
 * found through the system property {@code soak.services.env} (scripts/test.sh passes it), the environment
 * variable {@code SOAK_SERVICES_ENV}, or {@code target/services.env} of the reactor root. A test whose service is
 * not there skips, saying how to start it.
 */
final class Services {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Map<String, String> env;

    private Services(Map<String, String> env) {
        this.env = env;
    }

    static Services load() {
        return new Services(io.soak.testing.fakes.ServicesEnv.read());
    }

    /**
     * The URL (or path) under {@code key}, or the test is skipped with a message. With the system property
     * {@code soak.services.required=true} (CI, after a successful {@code services.sh start}) a missing service
     * fails the test instead.
     */
    String require(String key, String readyPath) {
        String url = env.get(key);
        check(url != null && !url.isBlank(), key + " not set: start the services with "
                + "`scripts/services.sh start` (or run scripts/test.sh); env file " + io.soak.testing.fakes.ServicesEnv.file());
        if (readyPath != null) {
            int code = status(url + readyPath);
            check(code / 100 == 2, key + "=" + url + " not answering " + readyPath + " (got " + code
                    + "): restart it with `scripts/services.sh start`");
        }
        return url;
    }

    private static void check(boolean ok, String message) {
        io.soak.testing.fakes.ServicesEnv.check(ok, message);
    }

    String get(String key) {
        return env.get(key);
    }

    static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return HTTP.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String getBody(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)).GET());
        if (r.statusCode() / 100 != 2) {
            throw new IOException("GET " + url + " -> " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }
}
