package io.soak.itests.shell;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real headless Chromium (Debian's {@code chromium}) driven over the DevTools protocol on loopback: opens
 * a page, records every console message, uncaught exception, log entry and network request, evaluates
 * expressions in the page and takes screenshots. Nothing but the loopback DevTools socket and the page's
 * own {@code file:} URL is involved.
 */
final class HeadlessChromium implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

    /** What the page did while loading. */
    record PageLog(List<String> consoleErrors, List<String> requests) {
    }

    private final Process process;
    private final WebSocket ws;
    private Path profile;
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
    private final List<Map<String, Object>> events = java.util.Collections.synchronizedList(new ArrayList<>());
    private String session;

    private HeadlessChromium(Process process, WebSocket ws) {
        this.process = process;
        this.ws = ws;
    }

    /** The chromium binary, or null when it is not installed. */
    static String binary() {
        for (String b : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(b))) {
                return b;
            }
        }
        return null;
    }

    /** Starts chromium with a fresh profile in a temp directory of its own (removed on close). */
    static HeadlessChromium start() throws Exception {
        Path profile = Files.createTempDirectory("soak-chromium-");
        HeadlessChromium c = start(profile);
        c.profile = profile;
        return c;
    }

    private static HeadlessChromium start(Path profile) throws Exception {
        String bin = binary();
        if (bin == null) {
            throw new IllegalStateException("no chromium installed (scripts/test.sh installs Debian's 'chromium')");
        }
        Process p = new ProcessBuilder(bin, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", "--user-data-dir=" + profile.toAbsolutePath(), "about:blank")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        url.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                url.completeExceptionally(e);
            }
        }, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        String wsUrl;
        try {
            wsUrl = url.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IllegalStateException("chromium did not open its DevTools socket", e);
        }
        HeadlessChromium[] self = new HeadlessChromium[1];
        StringBuilder partial = new StringBuilder();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(wsUrl), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    String msg = partial.toString();
                    partial.setLength(0);
                    if (self[0] != null) {
                        self[0].onMessage(msg);
                    }
                }
                w.request(1);
                return null;
            }
        }).get(30, TimeUnit.SECONDS);
        HeadlessChromium c = new HeadlessChromium(p, socket);
        self[0] = c;
        Map<String, Object> target = c.send(null, "Target.createTarget", Map.of("url", "about:blank"));
        Map<String, Object> attached = c.send(null, "Target.attachToTarget", Map.of("targetId", target.get("targetId"), "flatten", true));
        c.session = String.valueOf(attached.get("sessionId"));
        for (String domain : List.of("Runtime.enable", "Log.enable", "Network.enable", "Page.enable")) {
            c.send(c.session, domain, Map.of());
        }
        return c;
    }

    @SuppressWarnings("unchecked")
    private void onMessage(String msg) {
        try {
            Map<String, Object> m = json.readValue(msg, Map.class);
            if (m.get("id") instanceof Number n) {
                CompletableFuture<Map<String, Object>> f = pending.remove(n.intValue());
                if (f != null) {
                    if (m.get("error") != null) {
                        f.completeExceptionally(new IllegalStateException("DevTools: " + m.get("error")));
                    } else {
                        f.complete((Map<String, Object>) m.getOrDefault("result", Map.of()));
                    }
                }
            } else {
                events.add(m);
            }
        } catch (IOException e) {
            // not JSON: ignored
        }
    }

    private Map<String, Object> send(String sessionId, String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("id", id);
        req.put("method", method);
        req.put("params", params);
        if (sessionId != null) {
            req.put("sessionId", sessionId);
        }
        CompletableFuture<Map<String, Object>> f = new CompletableFuture<>();
        pending.put(id, f);
        ws.sendText(json.writeValueAsString(req), true).get(10, TimeUnit.SECONDS);
        return f.get(60, TimeUnit.SECONDS);
    }

    /** Opens a page and waits for its load event; returns what it logged and requested. */
    PageLog open(Path file, Duration timeout) throws Exception {
        events.clear();
        String url = file.toAbsolutePath().toUri().toString();
        send(session, "Page.navigate", Map.of("url", url));
        org.awaitility.Awaitility.await("load event of " + url).atMost(timeout).until(() -> {
            synchronized (events) {
                return events.stream().anyMatch(e -> "Page.loadEventFired".equals(e.get("method")));
            }
        });
        // one round trip more: events emitted during load are in before this answer
        send(session, "Runtime.evaluate", Map.of("expression", "1"));
        List<String> errors = new ArrayList<>();
        List<String> requests = new ArrayList<>();
        synchronized (events) {
            for (Map<String, Object> e : events) {
                Object method = e.get("method");
                Map<?, ?> p = e.get("params") instanceof Map<?, ?> mm ? mm : Map.of();
                if ("Runtime.exceptionThrown".equals(method)) {
                    errors.add("exception: " + p.get("exceptionDetails"));
                } else if ("Runtime.consoleAPICalled".equals(method) && List.of("error", "warning", "assert").contains(p.get("type"))) {
                    errors.add("console." + p.get("type") + ": " + p.get("args"));
                } else if ("Log.entryAdded".equals(method) && p.get("entry") instanceof Map<?, ?> entry
                        && List.of("error", "warning").contains(entry.get("level"))) {
                    errors.add("log " + entry.get("level") + ": " + entry.get("text"));
                } else if ("Network.requestWillBeSent".equals(method) && p.get("request") instanceof Map<?, ?> r) {
                    String u = String.valueOf(r.get("url"));
                    if (!u.equals(url) && !u.startsWith("data:")) {
                        requests.add(u);
                    }
                }
            }
        }
        return new PageLog(errors, requests);
    }

    /** Evaluates an expression in the page; its value as JSON value (string, number, boolean, list, map). */
    Object eval(String expression) throws Exception {
        Map<String, Object> r = send(session, "Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        Object res = r.get("result");
        return res instanceof Map<?, ?> m ? m.get("value") : null;
    }

    /** A PNG of the whole page at the given width. */
    void screenshot(Path out, int width) throws Exception {
        Object h = eval("document.documentElement.scrollHeight");
        int height = h instanceof Number n ? n.intValue() : 2000;
        send(session, "Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
        Map<String, Object> shot = send(session, "Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
        Files.write(out, Base64.getDecoder().decode(String.valueOf(shot.get("data"))));
    }

    @Override
    public void close() {
        try {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        } catch (RuntimeException e) {
            // closing anyway
        }
        // chromium's helpers (renderer, zygote, crashpad) go with it, or they keep writing into the profile
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
        deleteQuietly(profile);
    }

    private static void deleteQuietly(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a helper still writing: the temp directory is left
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            // left behind in the temp directory
        }
    }
}
