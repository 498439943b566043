package io.soak.launcher.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loopback control channel of a run: a TCP server on 127.0.0.1 (random port) that serves a
 * {@link RunControl} to {@code soak shell --attach}. One JSON object per line each way; every request carries
 * the run's token, a random 256-bit value written to {@code control.token} in the run directory, readable
 * and writable by the user only (0600). A request without the right token is refused and counted, and the
 * connection closed. Nothing but the loopback interface is ever bound.
 */
public final class ControlServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    public static final String TOKEN_FILE = "control.token";

    private final RunControl control;
    private final ServerSocket server;
    private final byte[] token;
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final Path tokenFile;
    private volatile boolean closed;

    private ControlServer(RunControl control, ServerSocket server, byte[] token, Path tokenFile) {
        this.control = control;
        this.server = server;
        this.token = token;
        this.tokenFile = tokenFile;
    }

    /** Writes the token file into {@code runDir} and starts listening on 127.0.0.1 (a random port). */
    public static ControlServer start(RunControl control, Path runDir) throws IOException {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String hex = HexFormat.of().formatHex(raw);
        Path file = runDir.resolve(TOKEN_FILE);
        Files.createDirectories(runDir);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            Files.deleteIfExists(file);
            Files.createFile(file);
        }
        Files.writeString(file, hex + "\n", StandardCharsets.US_ASCII);
        ServerSocket ss = new ServerSocket();
        ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        ControlServer s = new ControlServer(control, ss, hex.getBytes(StandardCharsets.US_ASCII), file);
        Thread t = new Thread(s::acceptLoop, "soak-control-accept");
        t.setDaemon(true);
        t.start();
        LOG.info("control channel on {} (token in {})", s.address(), file);
        return s;
    }

    /** {@code 127.0.0.1:port}. */
    public String address() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    /** The manifest's {@code control} section (never the token itself). */
    public Map<String, Object> section() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("transport", "tcp");
        m.put("address", address());
        m.put("token_file", TOKEN_FILE);
        m.put("requests_served", served.get());
        m.put("requests_refused", refused.get());
        return m;
    }

    public long refused() {
        return refused.get();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "soak-control-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("control channel: {}", e.getMessage());
                }
            }
        }
    }

    private void serve(Socket s) {
        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8), true)) {
            s.setSoTimeout((int) Duration.ofMinutes(30).toMillis());
            String line;
            while ((line = in.readLine()) != null) {
                Map<String, Object> req;
                try {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> r = json.readValue(line, Map.class);
                    req = r;
                } catch (IOException e) {
                    out.println(json.writeValueAsString(error("not a JSON request")));
                    continue;
                }
                Object t = req.get("token");
                if (!(t instanceof String ts)
                        || !MessageDigest.isEqual(token, ts.trim().getBytes(StandardCharsets.US_ASCII))) {
                    refused.incrementAndGet();
                    LOG.warn("control channel: request refused from {} (wrong or missing token)", s.getRemoteSocketAddress());
                    out.println(json.writeValueAsString(error("refused: wrong or missing token")));
                    return;
                }
                served.incrementAndGet();
                out.println(json.writeValueAsString(handle(req)));
            }
        } catch (IOException e) {
            LOG.debug("control connection ended: {}", e.getMessage());
        }
    }

    private Map<String, Object> handle(Map<String, Object> req) {
        String op = String.valueOf(req.get("op"));
        try {
            Object result = switch (op) {
                case "hello", "run_id" -> control.runId();
                case "status" -> control.status();
                case "fault" -> control.fault(str(req, "kind"), str(req, "target"),
                        req.get("duration_ms") instanceof Number n ? Duration.ofMillis(n.longValue()) : Duration.ZERO,
                        req.get("params") instanceof Map<?, ?> p ? stringKeys(p) : Map.of());
                case "swap" -> control.swap(str(req, "stage"), str(req, "jar"));
                case "stop" -> control.stop(req.get("reason") == null ? null : String.valueOf(req.get("reason")));
                default -> throw new ControlException("unknown operation '" + op + "' (hello, status, fault, swap, stop)");
            };
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ok", true);
            m.put("result", result);
            return m;
        } catch (RuntimeException e) {
            return error(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private static Map<String, Object> stringKeys(Map<?, ?> p) {
        Map<String, Object> m = new LinkedHashMap<>();
        p.forEach((k, v) -> m.put(String.valueOf(k), v));
        return m;
    }

    private static String str(Map<String, Object> req, String key) {
        Object v = req.get(key);
        if (v == null) {
            throw new ControlException("missing '" + key + "'");
        }
        return String.valueOf(v);
    }

    private static Map<String, Object> error(String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", false);
        m.put("error", message);
        return m;
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing the control channel", e);
        }
        try {
            Files.deleteIfExists(tokenFile);
        } catch (IOException e) {
            LOG.debug("removing the token file", e);
        }
    }
}
