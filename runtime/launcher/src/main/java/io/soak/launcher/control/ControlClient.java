package io.soak.launcher.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link RunControl} over the loopback control channel of a run in another process ({@code soak shell
 * --attach}). The address comes from the run's manifest ({@code control.address}), the token from the run
 * directory's {@code control.token} (or is given). Only loopback addresses are accepted.
 */
public final class ControlClient implements RunControl {

    private final Socket socket;
    private final BufferedReader in;
    private final PrintWriter out;
    private final String token;
    private final ObjectMapper json = new ObjectMapper();
    private final String runId;

    private ControlClient(Socket socket, String token) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = new PrintWriter(new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8), true);
        this.token = token;
        this.runId = String.valueOf(call(Map.of("op", "hello")));
    }

    /**
     * Attaches to a run: {@code runRef} is a run directory, or a run id under {@code runsDir}. {@code token} null
     * reads the run directory's token file.
     *
     * @throws ControlException with a one-line reason (no such run, run not running, refused)
     */
    public static ControlClient attach(String runRef, Path runsDir, String token) {
        Path dir = runDirectory(runRef, runsDir);
        Map<?, ?> manifest;
        try {
            manifest = new ObjectMapper().readValue(dir.resolve("run_manifest.json").toFile(), Map.class);
        } catch (IOException e) {
            throw new ControlException("no run manifest in " + dir + " (is the run started?)");
        }
        Object address = manifest.get("control") instanceof Map<?, ?> c ? c.get("address") : null;
        if (address == null || manifest.get("ended_at") != null) {
            throw new ControlException("run " + manifest.get("run_id") + " is not running (no control channel"
                    + (manifest.get("ended_at") != null ? "; it ended at " + manifest.get("ended_at") : "") + ")");
        }
        String t = token;
        if (t == null) {
            try {
                t = Files.readString(dir.resolve(ControlServer.TOKEN_FILE), StandardCharsets.US_ASCII).trim();
            } catch (IOException e) {
                throw new ControlException("cannot read the run's token " + dir.resolve(ControlServer.TOKEN_FILE)
                        + ": " + e.getMessage());
            }
        }
        return connect(String.valueOf(address), t);
    }

    /** Connects to {@code 127.0.0.1:port} with a token (loopback only). */
    public static ControlClient connect(String address, String token) {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new ControlException("bad control address '" + address + "'");
        }
        String host = address.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ControlException("bad control address '" + address + "'");
        }
        try {
            InetAddress a = InetAddress.getByName(host);
            if (!a.isLoopbackAddress()) {
                throw new ControlException("control address " + address + " is not a loopback address: refused");
            }
            Socket s = new Socket();
            s.connect(new InetSocketAddress(a, port), (int) Duration.ofSeconds(5).toMillis());
            s.setSoTimeout((int) Duration.ofSeconds(60).toMillis());
            return new ControlClient(s, token);
        } catch (IOException e) {
            throw new ControlException("cannot reach the run's control channel at " + address + ": " + e.getMessage(), e);
        }
    }

    static Path runDirectory(String runRef, Path runsDir) {
        Path p = Path.of(runRef);
        if (Files.isDirectory(p) && Files.exists(p.resolve("run_manifest.json"))) {
            return p;
        }
        Path byId = (runsDir == null ? Path.of("runs") : runsDir).resolve(runRef);
        if (Files.isDirectory(byId)) {
            return byId;
        }
        throw new ControlException("no run '" + runRef + "' (neither a run directory nor a run id under "
                + (runsDir == null ? "runs" : runsDir) + ")");
    }

    private synchronized Object call(Map<String, Object> request) {
        Map<String, Object> req = new LinkedHashMap<>(request);
        req.put("token", token);
        try {
            out.println(json.writeValueAsString(req));
            String line = in.readLine();
            if (line == null) {
                throw new ControlException("the run closed the control channel");
            }
            Map<?, ?> resp = json.readValue(line, Map.class);
            if (!Boolean.TRUE.equals(resp.get("ok"))) {
                throw new ControlException(String.valueOf(resp.get("error")));
            }
            return resp.get("result");
        } catch (IOException e) {
            throw new ControlException("control channel: " + e.getMessage(), e);
        }
    }

    @Override
    public String runId() {
        return runId;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> status() {
        return (Map<String, Object>) call(Map.of("op", "status"));
    }

    @Override
    public String fault(String kind, String target, Duration duration, Map<String, Object> params) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("op", "fault");
        r.put("kind", kind);
        r.put("target", target);
        r.put("duration_ms", duration == null ? 0 : duration.toMillis());
        r.put("params", params == null ? Map.of() : params);
        return String.valueOf(call(r));
    }

    @Override
    public String swap(String stage, String jar) {
        return String.valueOf(call(Map.of("op", "swap", "stage", stage, "jar", Path.of(jar).toAbsolutePath().toString())));
    }

    @Override
    public String stop(String reason) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("op", "stop");
        r.put("reason", reason);
        return String.valueOf(call(r));
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
