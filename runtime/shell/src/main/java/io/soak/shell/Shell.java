package io.soak.shell;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.launcher.Launcher;
import io.soak.launcher.control.ControlClient;
import io.soak.launcher.control.ControlException;
import io.soak.launcher.control.RunControl;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.NonBlockingReader;

/**
 * One shell session: the verbs, the run it is attached to (a {@link RunControl}: the loopback client of a
 * run in another process, or of a run this shell started), the runs it started in the background, and the
 * terminal (JLine) when interactive. The CLI's own commands ({@code run validate verify report bundles
 * version}) go through the launcher's command line, so they behave exactly as {@code soak <cmd>}.
 */
public final class Shell implements AutoCloseable {

    static final List<String> STAGE_FAULTS = List.of("kill", "crash", "hang");
    static final List<String> FEED_FAULTS = List.of("drop", "stall", "latency", "gap", "corrupt");

    private final Launcher launcher;
    private final Path runsDir;
    private final Path history;
    private final boolean verbose;
    private final Map<String, Verb> verbs = new LinkedHashMap<>();
    private final Map<String, CompletableFuture<Integer>> started = new TreeMap<>();
    private final ObjectMapper json = new ObjectMapper();
    private PrintWriter out;
    private PrintWriter err;
    private Terminal terminal;
    private RunControl attached;
    private boolean exit;

    /**
     * @param launcher the CLI (its home, environment and streams); its streams are used until {@link #interactive}
     * @param runsDir  where run directories are
     * @param history  the history file of the interactive shell
     */
    public Shell(Launcher launcher, Path runsDir, Path history, boolean verbose) {
        this.launcher = launcher;
        this.runsDir = runsDir;
        this.history = history;
        this.verbose = verbose;
        this.out = launcher.out() == null ? new PrintWriter(System.out, true) : launcher.out();
        this.err = launcher.err() == null ? new PrintWriter(System.err, true) : launcher.err();
        define();
    }

    // ================================================================================================ input

    /** Runs lines of commands ({@code -c} or a script); returns the last non-zero exit code, or 0. */
    public int runLines(List<String> lines) {
        int code = 0;
        for (String l : lines) {
            String line = l.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            out.println("soak> " + line);
            int c = execute(line);
            if (c != 0) {
                code = c;
            }
            if (exit) {
                break;
            }
        }
        out.flush();
        return code;
    }

    /** The interactive shell on the system terminal. */
    public int interactive() throws IOException {
        try (Terminal t = TerminalBuilder.builder().system(true).name("soak").build()) {
            return interactive(t);
        }
    }

    /** The interactive shell on a given terminal (tests: a dumb terminal over piped streams). */
    public int interactive(Terminal t) {
        this.terminal = t;
        this.out = t.writer();
        this.err = t.writer();
        LineReader reader = LineReaderBuilder.builder().terminal(t).appName("soak")
                .completer(new ShellCompleter(this))
                .variable(LineReader.HISTORY_FILE, history)
                .variable(LineReader.HISTORY_SIZE, 1000)
                .build();
        if (!"dumb".equals(t.getType()) && !t.getType().startsWith("dumb")) {
            out.println("soak shell: 'help' lists the commands, TAB completes, Ctrl-D leaves.");
        }
        int code = 0;
        while (!exit) {
            String line;
            try {
                line = reader.readLine(prompt());
            } catch (UserInterruptException e) {
                continue;
            } catch (EndOfFileException e) {
                break;
            }
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            for (String cmd : splitCommands(line)) {
                code = execute(cmd);
                if (exit) {
                    break;
                }
            }
            out.flush();
        }
        try {
            reader.getHistory().save();
        } catch (IOException e) {
            // the history is a convenience
        }
        out.flush();
        return code;
    }

    private String prompt() {
        return attached == null ? "soak> " : "soak[" + attached.runId() + "]> ";
    }

    /** {@code "a; b ;c"} → {@code [a, b, c]} (a ';' inside quotes stays). */
    public static List<String> splitCommands(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        for (char c : s.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
                cur.append(c);
            } else if (c == '"' || c == '\'') {
                quote = c;
                cur.append(c);
            } else if (c == ';' || c == '\n') {
                if (!cur.toString().isBlank()) {
                    out.add(cur.toString().strip());
                }
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (!cur.toString().isBlank()) {
            out.add(cur.toString().strip());
        }
        return out;
    }

    static List<String> words(String line) {
        List<String> w = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        boolean any = false;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    cur.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                any = true;
            } else if (Character.isWhitespace(c)) {
                if (any || cur.length() > 0) {
                    w.add(cur.toString());
                }
                cur.setLength(0);
                any = false;
            } else {
                cur.append(c);
            }
        }
        if (any || cur.length() > 0) {
            w.add(cur.toString());
        }
        return w;
    }

    /** Runs one command line; errors are one line ({@code error: ...}). */
    public int execute(String line) {
        List<String> w = words(line);
        if (w.isEmpty()) {
            return 0;
        }
        Verb v = verbs.get(w.get(0).toLowerCase(Locale.ROOT));
        if (v == null) {
            err.println("error: unknown command '" + w.get(0) + "' (try 'help')");
            err.flush();
            return Launcher.INVALID;
        }
        try {
            int c = v.run(w.subList(1, w.size()));
            out.flush();
            return c;
        } catch (Usage e) {
            err.println("error: " + e.getMessage() + "; usage: " + v.name() + " " + v.usage());
        } catch (ControlException e) {
            err.println("error: " + e.getMessage());
            if (e.getMessage() != null && e.getMessage().contains("closed the control channel")) {
                detach();
            }
        } catch (Exception e) {
            err.println("error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("")));
            if (verbose) {
                e.printStackTrace(err);
            }
        }
        err.flush();
        return Launcher.RUNTIME_FAILURE;
    }

    /** A usage error of a verb. */
    static final class Usage extends RuntimeException {
        Usage(String m) {
            super(m);
        }
    }

    // ================================================================================================ verbs

    private void define() {
        add(Verb.of("help", "[command]", "Lists the commands, or says what one does.", this::help));
        add(Verb.of("run", "<scenario.groovy> [soak run options]",
                "Starts a run in the background (as 'soak run') and attaches to it; 'wait' waits for its end.", this::run));
        add(Verb.of("validate", "<scenario.groovy>", "Checks a scenario without running it (as 'soak validate').", a -> cli("validate", a)));
        add(Verb.of("verify", "<run_id|run_dir>", "Recomputes a run's evidence from its artifacts (as 'soak verify').",
                a -> cli("verify", runDirArgs(a))));
        add(Verb.of("report", "<run_id|run_dir>", "Regenerates report.html and the Markdown reports of a run (as 'soak report').",
                a -> cli("report", runDirArgs(a))));
        add(Verb.of("bundles", "", "Boots the OSGi host and lists bundles, components and factories (as 'soak bundles').",
                a -> cli("bundles", a)));
        add(Verb.of("version", "", "Versions of the runtime and its bundles.", a -> cli("version", a)));
        add(Verb.of("runs", "", "Lists the runs under the runs directory: id, scenario, state, verdict.", this::runs));
        add(Verb.of("attach", "<run_id|run_dir> [token_file]",
                "Attaches to a running soak over its loopback control channel (token from the run directory).", this::attachVerb));
        add(Verb.of("detach", "", "Leaves the attached run (it goes on).", a -> {
            detach();
            return 0;
        }));
        add(Verb.of("status", "", "The attached run: stages, state, health, restarts, queues, handled; resources.", this::status));
        add(Verb.of("watch", "[count]",
                "A live line every second: minute, msgs/s, decisions, strong ratio, health, alerts, exports (a key stops it).", this::watch));
        add(Verb.of("health", "", "Health of every stage now, with the reason when not healthy.", this::health));
        add(Verb.of("alerts", "", "Alert rules firing and pending now, and the totals.", this::alerts));
        add(Verb.of("fault", "kill|crash|hang <stage> [duration] | feed drop|stall|latency|gap|corrupt [target] [duration] [key=value...]",
                "Injects a fault into the attached run now (recorded with source: operator).", this::fault));
        add(Verb.of("swap", "<stage> <bundle.jar>",
                "Hot swap: updates the bundle providing <stage> from the jar; the stage keeps its state.", this::swap));
        add(Verb.of("stop", "[reason]", "Graceful stop of the attached run.", this::stop));
        add(Verb.of("wait", "[seconds]", "Waits for the runs this shell started to end (default: no limit).", this::waitRuns));
        add(Verb.of("exit", "", "Leaves the shell (after the runs started here have ended: stop them first).", a -> {
            exit = true;
            return 0;
        }));
        verbs.put("quit", verbs.get("exit"));
    }

    private void add(Verb v) {
        verbs.put(v.name(), v);
    }

    Map<String, Verb> verbs() {
        return verbs;
    }

    private int help(List<String> a) {
        if (!a.isEmpty()) {
            Verb v = verbs.get(a.get(0));
            if (v == null) {
                throw new Usage("no command '" + a.get(0) + "'");
            }
            out.println(v.name() + " " + v.usage());
            out.println("  " + v.help());
            return 0;
        }
        Table t = new Table("command", "arguments");
        verbs.values().stream().distinct().forEach(v -> t.row(v.name(), v.usage()));
        out.print(t);
        out.println("'help <command>' says more. Several commands on one line: separate them with ';'.");
        return 0;
    }

    private int cli(String command, List<String> args) {
        List<String> argv = new ArrayList<>();
        if (verbose) {
            argv.add("--verbose");
        }
        argv.add(command);
        argv.addAll(args);
        return new Launcher(launcher.home(), launcher.env(), false).execute(out, err, argv.toArray(String[]::new));
    }

    private List<String> runDirArgs(List<String> a) {
        if (a.isEmpty()) {
            if (attached != null) {
                return List.of(runsDir.resolve(attached.runId()).toString());
            }
            throw new Usage("which run?");
        }
        List<String> r = new ArrayList<>(a);
        Path p = Path.of(a.get(0));
        if (!Files.isDirectory(p) && Files.isDirectory(runsDir.resolve(a.get(0)))) {
            r.set(0, runsDir.resolve(a.get(0)).toString());
        }
        return r;
    }

    private int run(List<String> a) {
        if (a.isEmpty()) {
            throw new Usage("which scenario?");
        }
        List<String> args = new ArrayList<>(a);
        String id = option(args, "--run-id");
        if (id == null) {
            id = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")) + "-"
                    + Integer.toHexString(0x1000 + ThreadLocalRandom.current().nextInt(0xF000));
            args.add("--run-id");
            args.add(id);
        }
        String dir = option(args, "--runs-dir");
        Path runs = dir == null ? runsDir : Path.of(dir);
        if (dir == null) {
            args.add("--runs-dir");
            args.add(runsDir.toString());
        }
        if (option(args, "--progress") == null) {
            args.add("--progress");
            args.add("none");
        }
        String runId = id;
        List<String> argv = new ArrayList<>();
        argv.add("run");
        argv.addAll(args);
        PrintWriter o = out;
        PrintWriter e = err;
        CompletableFuture<Integer> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(new Launcher(launcher.home(), launcher.env(), false).execute(o, e, argv.toArray(String[]::new)));
            } catch (Throwable x) {
                f.completeExceptionally(x);
            }
        }, "soak-shell-run-" + runId);
        t.setDaemon(true);
        t.start();
        synchronized (started) {
            started.put(runId, f);
        }
        // attach as soon as the run's manifest names its control channel
        Path manifest = runs.resolve(runId).resolve("run_manifest.json");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (f.isDone()) {
                out.println("run " + runId + " ended with exit code " + f.join());
                return f.join();
            }
            if (hasControl(manifest)) {
                detach();
                attached = ControlClient.attach(runs.resolve(runId).toString(), runs, null);
                out.println("run " + runId + " started in the background; attached (status, watch, fault, swap, stop)");
                return 0;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        out.println("run " + runId + " started in the background; its control channel did not show within 120 s");
        return Launcher.RUNTIME_FAILURE;
    }

    private boolean hasControl(Path manifest) {
        try {
            if (!Files.isRegularFile(manifest)) {
                return false;
            }
            Map<?, ?> m = json.readValue(manifest.toFile(), Map.class);
            return m.get("control") instanceof Map<?, ?> c && c.get("address") != null;
        } catch (IOException e) {
            return false; // being replaced
        }
    }

    private static String option(List<String> args, String name) {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals(name) && i + 1 < args.size()) {
                return args.get(i + 1);
            }
            if (args.get(i).startsWith(name + "=")) {
                return args.get(i).substring(name.length() + 1);
            }
        }
        return null;
    }

    private int waitRuns(List<String> a) throws Exception {
        long limit = a.isEmpty() ? Long.MAX_VALUE : Long.parseLong(a.get(0));
        List<CompletableFuture<Integer>> all;
        synchronized (started) {
            all = new ArrayList<>(started.values());
        }
        int code = 0;
        for (CompletableFuture<Integer> f : all) {
            try {
                int c = limit == Long.MAX_VALUE ? f.get() : f.get(limit, TimeUnit.SECONDS);
                code = Math.max(code, c);
            } catch (java.util.concurrent.TimeoutException e) {
                out.println("still running after " + limit + " s");
                return Launcher.RUNTIME_FAILURE;
            }
        }
        if (attached != null && all.size() > 0) {
            detach();
        }
        return code;
    }

    private int runs(List<String> a) throws IOException {
        Table t = new Table("run", "scenario", "state", "verdict", "started", "control");
        if (Files.isDirectory(runsDir)) {
            try (Stream<Path> s = Files.list(runsDir)) {
                for (Path d : s.filter(Files::isDirectory).sorted().toList()) {
                    Path m = d.resolve("run_manifest.json");
                    if (!Files.isRegularFile(m)) {
                        continue;
                    }
                    Map<?, ?> man;
                    try {
                        man = json.readValue(m.toFile(), Map.class);
                    } catch (IOException e) {
                        t.row(d.getFileName(), "?", "unreadable manifest", "-", "-", "-");
                        continue;
                    }
                    boolean ended = man.get("ended_at") != null;
                    Object verdict = man.get("verdict") instanceof Map<?, ?> v ? (Boolean.TRUE.equals(v.get("passed")) ? "PASS" : "FAIL") : "-";
                    Object control = man.get("control") instanceof Map<?, ?> c && !ended ? c.get("address") : "-";
                    t.row(d.getFileName(), man.get("scenario"), ended ? "ended" : "running", verdict, man.get("started_at"), control);
                }
            }
        }
        out.print(t);
        return 0;
    }

    private int attachVerb(List<String> a) throws IOException {
        if (a.isEmpty()) {
            throw new Usage("which run?");
        }
        String token = a.size() > 1 ? Files.readString(Path.of(a.get(1))).trim() : null;
        return attach(a.get(0), token) ? 0 : Launcher.RUNTIME_FAILURE;
    }

    /** Attaches to a run; false (with one line said) when refused or not reachable. */
    public boolean attach(String ref, String token) {
        try {
            RunControl c = ControlClient.attach(ref, runsDir, token);
            detach();
            attached = c;
            out.println("attached to run " + c.runId());
            out.flush();
            return true;
        } catch (ControlException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return false;
        }
    }

    private void detach() {
        if (attached != null) {
            attached.close();
            attached = null;
        }
    }

    RunControl control() {
        if (attached == null) {
            throw new ControlException("no run attached ('run <scenario>' or 'attach <run_id>')");
        }
        return attached;
    }

    /** Stage names of the attached run, or the usual ones (completion). */
    List<String> stageNames() {
        if (attached != null) {
            try {
                return stages(attached.status()).stream().map(s -> String.valueOf(s.get("stage"))).toList();
            } catch (RuntimeException e) {
                // fall through
            }
        }
        return List.of("harvest", "signal", "broker", "report");
    }

    Path runsDir() {
        return runsDir;
    }

    Path home() {
        return launcher.home();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> stages(Map<String, Object> status) {
        Object s = status.get("stages");
        return s instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private int status(List<String> a) {
        Map<String, Object> s = control().status();
        Map<String, Object> f = map(s.get("figures"));
        out.println("run " + s.get("run_id") + " (" + s.get("scenario") + ") " + s.get("state") + ", minute "
                + f.get("minute") + ", engine time " + f.get("engine_time") + ", health " + f.get("health"));
        Table t = new Table("stage", "state", "health", "restarts", "queue", "handled", "detail");
        for (Map<String, Object> st : stages(s)) {
            t.row(st.get("stage"), st.get("state"), st.get("health"), st.get("restart_count"), st.get("queue_depth"),
                    st.get("handled"), st.get("detail") == null || "".equals(st.get("detail")) ? "" : st.get("detail"));
        }
        out.print(t);
        Map<String, Object> r = map(s.get("resources"));
        out.println("resources: rss " + Fmt.cell(r.get("rss_mb")) + " MB (max " + Fmt.cell(r.get("max_rss_mb"))
                + "), open files " + Fmt.cell(r.get("open_files")) + ", threads " + Fmt.cell(r.get("threads"))
                + "; queue dropped " + Fmt.cell(s.get("queue_dropped")));
        return 0;
    }

    private int health(List<String> a) {
        Map<String, Object> s = control().status();
        Table t = new Table("stage", "health", "state", "restarts", "detail");
        for (Map<String, Object> st : stages(s)) {
            t.row(st.get("stage"), st.get("health"), st.get("state"), st.get("restart_count"), st.get("detail"));
        }
        out.print(t);
        out.println("run health: " + map(s.get("figures")).get("health"));
        return 0;
    }

    private int alerts(List<String> a) {
        Map<String, Object> f = map(control().status().get("figures"));
        out.println("firing:  " + Fmt.cell(f.get("alerts_firing")));
        out.println("pending: " + Fmt.cell(f.get("alerts_pending")));
        return 0;
    }

    private static final String[] WATCH = {"engine time", "wall", "minute", "msgs/s", "decisions", "strong", "health",
            "alerts", "exports ok/failed", "restarts", "reconnects"};

    private int watch(List<String> a) {
        long count = a.isEmpty() ? Long.MAX_VALUE : Long.parseLong(a.get(0));
        RunControl c = control();
        long start = System.nanoTime();
        Table header = new Table(WATCH);
        int[] w = null;
        for (long i = 0; i < count; i++) {
            Map<String, Object> s;
            try {
                s = c.status();
            } catch (ControlException e) {
                out.println("the run has ended (" + e.getMessage() + ")");
                detach();
                return 0;
            }
            Map<String, Object> f = map(s.get("figures"));
            String time = String.valueOf(f.get("engine_time"));
            Table row = new Table(WATCH).row(time.length() > 19 ? time.substring(11, 19) : time,
                    (System.nanoTime() - start) / 1_000_000_000L + "s", f.get("minute"), f.get("msgs_per_s"),
                    f.get("decisions"), Fmt.pct(f.get("strong_ratio")), f.get("health"),
                    ((List<?>) f.getOrDefault("alerts_firing", List.of())).size() + " firing",
                    Fmt.cell(f.get("exports_ok")) + "/" + Fmt.cell(f.get("exports_failed")), f.get("restarts"),
                    f.get("reconnects"));
            if (w == null) {
                w = row.widths();
                for (int k = 0; k < w.length; k++) {
                    w[k] = Math.max(w[k], 8);
                }
                StringBuilder sb = new StringBuilder();
                Table.line(sb, List.of(WATCH), w);
                out.print(sb);
            }
            StringBuilder sb = new StringBuilder();
            List<String> cells = new ArrayList<>();
            String text = row.toString();
            String last = text.substring(text.indexOf('\n') + 1).stripTrailing();
            cells.add(last);
            out.println(last);
            out.flush();
            if ("ended".equals(s.get("state"))) {
                return 0;
            }
            if (i + 1 < count && waitOrKey(Duration.ofSeconds(1))) {
                return 0;
            }
        }
        return 0;
    }

    /** Waits; true when a key was pressed (interactive only). */
    private boolean waitOrKey(Duration d) {
        if (terminal != null && !"dumb".equals(terminal.getType())) {
            try {
                NonBlockingReader r = terminal.reader();
                return r.read(d.toMillis()) >= 0;
            } catch (IOException e) {
                return true;
            }
        }
        LockSupport.parkNanos(d.toNanos());
        return false;
    }

    private int fault(List<String> a) {
        if (a.isEmpty()) {
            throw new Usage("which fault?");
        }
        String kind = a.get(0).toLowerCase(Locale.ROOT);
        List<String> rest = new ArrayList<>(a.subList(1, a.size()));
        Map<String, Object> params = new TreeMap<>();
        rest.removeIf(x -> {
            int eq = x.indexOf('=');
            if (eq > 0) {
                params.put(x.substring(0, eq), x.substring(eq + 1));
                return true;
            }
            return false;
        });
        String target;
        Duration duration = Duration.ZERO;
        if (kind.equals("feed")) {
            if (rest.isEmpty() || !FEED_FAULTS.contains(rest.get(0))) {
                throw new Usage("feed fault: one of " + FEED_FAULTS);
            }
            kind = "feed-" + rest.remove(0);
            target = rest.isEmpty() || isDuration(rest.get(0)) ? "feed" : rest.remove(0);
        } else if (STAGE_FAULTS.contains(kind)) {
            if (rest.isEmpty()) {
                throw new Usage("which stage?");
            }
            target = rest.remove(0);
        } else {
            // other engine or extension faults (timeseries-outage, slow-sink): kind target [duration]
            if (rest.isEmpty()) {
                throw new Usage("which target?");
            }
            target = rest.remove(0);
        }
        if (!rest.isEmpty()) {
            duration = parseDuration(rest.remove(0));
        }
        String effect = control().fault(kind, target, duration, params);
        out.println(kind + " " + target + ": " + effect);
        return 0;
    }

    static boolean isDuration(String s) {
        return s.matches("\\d+(ms|s|m|h)");
    }

    static Duration parseDuration(String s) {
        if (!isDuration(s)) {
            throw new Usage("not a duration: '" + s + "' (like 500ms, 10s, 2m)");
        }
        long n = Long.parseLong(s.replaceAll("[a-z]", ""));
        return switch (s.replaceAll("\\d", "")) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    private int swap(List<String> a) {
        if (a.size() != 2) {
            throw new Usage("give a stage and a jar");
        }
        Path jar = Path.of(a.get(1)).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new Usage("no such jar: " + a.get(1));
        }
        out.println(control().swap(a.get(0), jar.toString()));
        return 0;
    }

    private int stop(List<String> a) {
        String reason = a.isEmpty() ? "operator stop from soak shell" : String.join(" ", a);
        out.println(control().stop(reason));
        return 0;
    }

    @Override
    public void close() {
        detach();
        List<CompletableFuture<Integer>> running;
        synchronized (started) {
            running = started.values().stream().filter(f -> !f.isDone()).toList();
        }
        if (!running.isEmpty()) {
            out.println("waiting for " + running.size() + " run(s) started here to end");
            out.flush();
            for (CompletableFuture<Integer> f : running) {
                f.join();
            }
        }
    }
}
