package io.soak.launcher;

import io.soak.api.plan.Pace;
import io.soak.api.plan.SourceSpec;
import io.soak.api.source.FeedEmulator;
import io.soak.api.source.FeedEmulatorFactory;
import io.soak.engine.Registry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code soak feed}: boots the OSGi host, starts the feed-emulator bundle's Binance-compatible WebSocket
 * server on 127.0.0.1 (capture files or a seeded synthetic market) and prints its endpoint, until Ctrl-C
 * (or {@code --duration}). A thin caller of the {@code FeedEmulatorFactory} service, like the engine.
 */
@Command(name = "feed", mixinStandardHelpOptions = true, description = "Serve recorded captures or a synthetic market as a Binance USDT-M WebSocket on 127.0.0.1.")
final class FeedCommand implements Callable<Integer> {

    @ParentCommand
    SoakCommand root;

    @Option(names = "--files", split = ",", paramLabel = "<file>", description = "Capture files to serve (gzip lines '<recv ns> <json>').")
    List<Path> files = new ArrayList<>();

    @Option(names = "--synthetic", description = "Serve the seeded synthetic market instead of files.")
    boolean synthetic;

    @Option(names = "--symbols", split = ",", paramLabel = "<SYMBOL>", description = "Symbols to serve (default: those recorded; synthetic: BTCUSDT,ETHUSDT).")
    List<String> symbols = new ArrayList<>();

    @Option(names = "--alias", split = ",", paramLabel = "<SERVED=RECORDED>", description = "Serve a recorded symbol under another name, e.g. SOLUSDT=BTCUSDT.")
    Map<String, String> aliases = new LinkedHashMap<>();

    @Option(names = "--pace", defaultValue = "1x", paramLabel = "<pace>", description = "1x, 20x, ... or max (default 1x).")
    String pace;

    @Option(names = "--port", defaultValue = "0", paramLabel = "<port>", description = "Port on 127.0.0.1 (default 0: a free port).")
    int port;

    @Option(names = "--loop", description = "Loop the files with shifted times and ids.")
    boolean loop;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the synthetic market (default 1).")
    long seed;

    @Option(names = "--duration", paramLabel = "<seconds>", defaultValue = "0", description = "Stop after this long (default: until Ctrl-C).")
    long durationSeconds;

    @Override
    public Integer call() throws Exception {
        RunLog.verbose(root.verbose);
        PrintWriter out = root.launcher.out();
        PrintWriter err = root.launcher.err();
        if (synthetic == !files.isEmpty()) {
            err.println("soak feed: give either --files <capture,...> or --synthetic");
            err.flush();
            return Launcher.INVALID;
        }
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                err.println("soak feed: capture file not found: " + f);
                err.flush();
                return Launcher.INVALID;
            }
        }
        try {
            Pace.parse(pace);
        } catch (IllegalArgumentException e) {
            err.println("soak feed: " + e.getMessage());
            err.flush();
            return Launcher.INVALID;
        }
        Map<String, Object> emulatorSettings = new LinkedHashMap<>();
        emulatorSettings.put("serve", synthetic ? "synthetic" : "files");
        emulatorSettings.put("pace", pace);
        emulatorSettings.put("port", port);
        emulatorSettings.put("start_on_connect", false);
        Map<String, String> upperAliases = new LinkedHashMap<>();
        aliases.forEach((k, v) -> upperAliases.put(k.toUpperCase(Locale.ROOT), v.toUpperCase(Locale.ROOT)));
        SourceSpec spec = new SourceSpec("binance-ws", symbols.stream().map(s -> s.toUpperCase(Locale.ROOT)).toList(),
                List.of(), "", files.stream().map(p -> p.toAbsolutePath().toString()).toList(), loop, upperAliases,
                emulatorSettings, Map.of());

        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                closed.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "soak-feed-shutdown");
        if (root.launcher.handleSignals()) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        Path storage = Files.createTempDirectory("soak-felix-");
        try (FelixHost host = FelixHost.start(HostConfig.fromHome(root.launcher.home(), storage))) {
            host.requireFactories(Map.of(Registry.EMULATOR, Set.of("binance")), Duration.ofSeconds(30));
            FeedEmulatorFactory factory = host.registry().emulator("binance").orElseThrow();
            try (FeedEmulator emulator = factory.start(spec, seed)) {
                out.println("feed emulator at " + emulator.endpoint() + " serving "
                        + (synthetic ? "a synthetic market (seed " + seed + ")" : files) + " at pace " + pace
                        + (loop ? ", looping" : ""));
                String http = emulator.endpoint().replaceFirst("^ws:", "http:");
                out.println("subscribe: " + emulator.endpoint() + "/public/stream?streams=btcusdt@bookTicker/btcusdt@depth@100ms"
                        + " and " + emulator.endpoint() + "/market/stream?streams=btcusdt@aggTrade (legacy: /stream?streams=…)");
                out.println("REST: " + http + "/fapi/v1/depth?symbol=BTCUSDT&limit=1000");
                out.println("faults: " + http + "/soak/fault?kind=feed-drop&duration=5s (feed-stall, feed-latency, feed-corrupt, "
                        + "feed-gap, rest-throttle; " + http + "/soak/describe)");
                out.println("press Ctrl-C to stop");
                out.flush();
                if (durationSeconds > 0) {
                    stop.await(durationSeconds, TimeUnit.SECONDS);
                } else {
                    stop.await();
                }
                Object sent = emulator.describe().get("messages_sent");
                out.println("feed emulator stopped after sending " + sent + " message(s)");
                out.flush();
            }
            return Launcher.PASS;
        } finally {
            closed.countDown();
            if (root.launcher.handleSignals() && stop.getCount() > 0) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // the JVM is already shutting down: the hook runs
                }
            }
        }
    }
}
