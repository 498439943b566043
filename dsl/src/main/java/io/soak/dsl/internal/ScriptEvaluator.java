package io.soak.dsl.internal;

import groovy.lang.Binding;
import groovy.lang.Closure;
import groovy.lang.GroovyClassLoader;
import groovy.lang.GroovyCodeSource;
import groovy.lang.MissingMethodException;
import groovy.lang.MissingPropertyException;
import groovy.lang.Script;
import groovy.transform.ThreadInterrupt;
import io.soak.api.plan.ScenarioPlan;
import io.soak.dsl.ConfigCatalog;
import io.soak.dsl.ScenarioException;
import io.soak.dsl.ScenarioLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.codehaus.groovy.control.CompilationFailedException;
import org.codehaus.groovy.control.CompilerConfiguration;
import org.codehaus.groovy.control.MultipleCompilationErrorsException;
import org.codehaus.groovy.control.customizers.ASTTransformationCustomizer;
import org.codehaus.groovy.control.messages.ExceptionMessage;
import org.codehaus.groovy.control.messages.Message;
import org.codehaus.groovy.control.messages.SyntaxErrorMessage;
import org.codehaus.groovy.runtime.GroovyCategorySupport;
import org.codehaus.groovy.runtime.InvokerHelper;
import org.codehaus.groovy.syntax.SyntaxException;

/**
 * Compiles and runs one scenario script and turns every failure into a one-line {@link ScenarioException}.
 * One compiler configuration for the JVM (the base script class, {@link ExitGuard}, and Groovy's
 * {@code @ThreadInterrupt} so loops stop when the time limit interrupts them); each distinct script text is
 * compiled once (a small bounded cache) in a class loader of its own, so reloading scripts does not pile up
 * classes. Compiling and running happen on a thread of their own, bounded by {@link ScenarioLimits}: nothing a
 * script does (an endless loop, a sleep, deep recursion, an Error, a checked exception) escapes as anything but
 * a {@link ScenarioException}.
 */
public final class ScriptEvaluator {

    private static final int CACHE_SIZE = 32;
    private static final long STACK_BYTES = 4L << 20;
    private static final Map<String, Class<?>> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Class<?>> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    /** The compiler configuration, made on first use: a script whose classes come from the disk cache never needs it. */
    private static final class Compiler {
        static final CompilerConfiguration CONFIG = new CompilerConfiguration();

        static {
            CONFIG.setScriptBaseClass(ScenarioScript.class.getName());
            CONFIG.setSourceEncoding("UTF-8");
            CONFIG.addCompilationCustomizers(new ExitGuard(), new ASTTransformationCustomizer(ThreadInterrupt.class));
        }
    }

    private ScriptEvaluator() {
    }

    /** As {@link #evaluate(String, String, String, Path, Map, ScenarioLimits, ConfigCatalog)} with default limits and no catalog. */
    public static ScenarioPlan evaluate(String text, String displayName, String scriptFile, Path scriptDir,
                                        Map<String, String> env) {
        return evaluate(text, displayName, scriptFile, scriptDir, env, ScenarioLimits.defaults(), ConfigCatalog.none());
    }

    /**
     * @param text        the script
     * @param displayName the file name shown in messages, for example {@code demo.groovy}
     * @param scriptFile  the path as given (recorded in the plan)
     * @param scriptDir   the script's directory (for {@code data()}), or null
     * @param env         the environment {@code env()} reads
     * @param limits      time, size and nesting bounds
     * @param catalog     the declared configuration keys {@code config { set ... }} is checked against
     */
    public static ScenarioPlan evaluate(String text, String displayName, String scriptFile, Path scriptDir,
                                        Map<String, String> env, ScenarioLimits limits, ConfigCatalog catalog) {
        long bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > limits.maxBytes()) {
            throw sizeError(displayName, bytes, limits);
        }
        SourceScanner scan = SourceScanner.scan(text, limits.maxDepth());
        if (scan.tooDeep() != null) {
            throw new ScenarioException(displayName, scan.tooDeep().line(), scan.tooDeep().message()
                    + " (-Dsoak.dsl.max_depth); a scenario needs a few levels");
        }
        String hash = sha256(text);
        String sourceName = sourceName(displayName);
        Evaluation eval = new Evaluation(displayName, sourceName, scriptFile, scriptDir, env, catalog);
        CompletableFuture<Class<?>> compiled = new CompletableFuture<>();
        long[] compileNanos = {0L};
        String[] from = {"compiled"};
        CompletableFuture<ScenarioPlan> done = new CompletableFuture<>();
        Thread worker = new Thread(null, () -> {
            Class<?> type;
            try {
                long t0 = System.nanoTime();
                type = compile(text, displayName, sourceName, hash, scan, from);
                compileNanos[0] = System.nanoTime() - t0;
                compiled.complete(type);
            } catch (Throwable e) {
                compiled.completeExceptionally(e);
                return;
            }
            try {
                done.complete(run(type, eval, displayName, hash));
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "soak-scenario-" + displayName, STACK_BYTES);
        worker.setDaemon(true);
        worker.start();
        LAST.remove();
        long started = System.nanoTime();
        await(compiled, limits.compile(), worker, eval, displayName, "compiling", "-Dsoak.dsl.compile_timeout_s");
        long compiledAt = System.nanoTime();
        ScenarioPlan plan = await(done, limits.evaluation(), worker, eval, displayName, "the script", "-Dsoak.dsl.timeout_s");
        LAST.set(new CompileInfo(from[0], compileNanos[0] / 1_000_000, (System.nanoTime() - compiledAt) / 1_000_000,
                (System.nanoTime() - started) / 1_000_000));
        return plan;
    }

    /**
     * How the last scenario this thread loaded got its classes: {@code source} is {@code memory} (compiled earlier
     * in this JVM), {@code disk} ({@link ScriptClassCache}) or {@code compiled}; {@code compileMs} the time to
     * have the class, {@code runMs} the time the script itself took, {@code totalMs} both with the hand-offs.
     */
    public record CompileInfo(String source, long compileMs, long runMs, long totalMs) {
    }

    /** Forgets the classes compiled in this JVM (tests: the next load behaves as in a fresh process). */
    static void forgetCompiled() {
        synchronized (CACHE) {
            CACHE.clear();
        }
    }

    private static final ThreadLocal<CompileInfo> LAST = new ThreadLocal<>();

    /** The {@link CompileInfo} of the last scenario this thread loaded successfully, or null. */
    public static CompileInfo lastCompile() {
        return LAST.get();
    }

    private static <T> T await(CompletableFuture<T> f, Duration limit, Thread worker, Evaluation eval,
                               String displayName, String what, String property) {
        try {
            return f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            int line = lineOf(worker.getStackTrace(), eval.sourceName);
            stop(worker);
            throw new ScenarioException(displayName, line, what + " took longer than " + Values.format(limit)
                    + ", the time limit (" + property + "); a scenario must evaluate at once: an endless loop or a wait?");
        } catch (InterruptedException e) {
            stop(worker);
            Thread.currentThread().interrupt();
            throw new ScenarioException(displayName, 0, "interrupted while evaluating the script");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof ScenarioException s) {
                throw s;
            }
            throw new ScenarioException(displayName, eval.lineOf(c), describe(c), c);
        }
    }

    /** Interrupts the worker (loops check it); one that does not stop at once is stopped (Java 17). */
    @SuppressWarnings({"deprecation", "removal"})
    private static void stop(Thread worker) {
        worker.interrupt();
        try {
            worker.join(1000);
            if (worker.isAlive()) {
                worker.stop();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (UnsupportedOperationException e) {
            // a newer Java without Thread.stop: the daemon thread is left behind
        }
    }

    private static int lineOf(StackTraceElement[] frames, String sourceName) {
        for (StackTraceElement f : frames) {
            if (sourceName.equals(f.getFileName()) && f.getLineNumber() > 0) {
                return f.getLineNumber();
            }
        }
        return 0;
    }

    private static ScenarioPlan run(Class<?> type, Evaluation eval, String displayName, String hash) {
        if (!ScenarioScript.class.isAssignableFrom(type)) {
            throw new ScenarioException(displayName, 0, "not a scenario script (it declares only a class); write soak { ... }");
        }
        try {
            Script script = InvokerHelper.createScript(type, new Binding());
            ((ScenarioScript) script).evaluation(eval);
            GroovyCategorySupport.use(DurationCategory.class, new Closure<Object>(null) {
                @Override
                public Object call() {
                    return script.run();
                }
            });
            if (eval.soak == null) {
                throw new ScenarioException(displayName, 0, "no soak { } block: a scenario script describes its run in soak { ... }");
            }
            return eval.soak.build(baseName(displayName), hash);
        } catch (ScenarioException e) {
            throw e;
        } catch (StackOverflowError e) {
            throw new ScenarioException(displayName, eval.lineOf(e), "the script recurses without end (stack overflow)");
        } catch (OutOfMemoryError e) {
            throw new ScenarioException(displayName, eval.lineOf(e), "the script ran out of memory");
        } catch (ThreadDeath e) {
            throw e;
        } catch (Throwable e) {
            throw translate(eval, e);
        }
    }

    private static ScenarioException translate(Evaluation eval, Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof DslError d) {
                int line = d.line() > 0 ? d.line() : eval.lineOf(d);
                return new ScenarioException(eval.displayName, line, d.getMessage());
            }
            if (c instanceof ScenarioException s) {
                return s;
            }
        }
        int line = eval.lineOf(e);
        if (e instanceof MissingMethodException m) {
            return new ScenarioException(eval.displayName, line, eval.unknownMethod(null, m).getMessage(), e);
        }
        if (e instanceof MissingPropertyException m) {
            return new ScenarioException(eval.displayName, line, eval.unknownProperty(null, m).getMessage(), e);
        }
        return new ScenarioException(eval.displayName, line, describe(e), e);
    }

    /** One line for a failure the script raised itself. */
    static String describe(Throwable e) {
        String msg = firstLine(e.getMessage());
        if (e instanceof AssertionError) {
            return "assertion failed" + (msg.isEmpty() ? "" : ": " + msg);
        }
        if (e instanceof InterruptedException) {
            return "the script was interrupted";
        }
        String kind = e instanceof Error ? "error " : e instanceof RuntimeException ? "" : "exception ";
        return "the script threw " + kind + e.getClass().getSimpleName() + (msg.isEmpty() ? "" : ": " + msg);
    }

    private static ScenarioException sizeError(String displayName, long bytes, ScenarioLimits limits) {
        return new ScenarioException(displayName, 0, "the script is " + size(bytes) + ", over the size limit of "
                + size(limits.maxBytes()) + " (-Dsoak.dsl.max_bytes); a scenario describes a run, data goes in files");
    }

    /** Refuses a script file by its size before reading it. */
    public static void checkSize(String displayName, long bytes, ScenarioLimits limits) {
        if (bytes > limits.maxBytes()) {
            throw sizeError(displayName, bytes, limits);
        }
    }

    private static String size(long bytes) {
        if (bytes >= 1 << 20) {
            return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
        }
        if (bytes >= 1 << 10) {
            return String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return bytes + " bytes";
    }

    private static Class<?> compile(String text, String displayName, String sourceName, String hash, SourceScanner scan,
                                    String[] from) {
        String key = hash + "\n" + sourceName;
        synchronized (CACHE) {
            Class<?> hit = CACHE.get(key);
            if (hit != null) {
                from[0] = "memory";
                return hit;
            }
        }
        String diskKey = ScriptClassCache.directory() == null ? null : ScriptClassCache.key(text, sourceName);
        Map<String, byte[]> stored = diskKey == null ? null : ScriptClassCache.read(diskKey);
        if (stored != null) {
            try {
                Class<?> type = ScriptClassCache.define(stored, ScriptEvaluator.class.getClassLoader());
                from[0] = "disk";
                synchronized (CACHE) {
                    CACHE.put(key, type);
                }
                return type;
            } catch (ClassNotFoundException | LinkageError e) {
                // an entry that does not load (damaged in a way the checksum missed): compile and rewrite it
            }
        }
        Class<?> type;
        Map<String, byte[]> bytes = diskKey == null ? null : new LinkedHashMap<>();
        try {
            type = parse(text, sourceName, bytes);
        } catch (MultipleCompilationErrorsException e) {
            throw compileError(displayName, text, sourceName, scan, e);
        } catch (CompilationFailedException e) {
            throw new ScenarioException(displayName, 0, "does not compile: " + firstLine(e.getMessage()), e);
        }
        synchronized (CACHE) {
            CACHE.put(key, type);
        }
        if (bytes != null && bytes.containsKey(type.getName())) {
            // the script class first: the cache loads it by that position
            Map<String, byte[]> ordered = new LinkedHashMap<>();
            ordered.put(type.getName(), bytes.get(type.getName()));
            ordered.putAll(bytes);
            ScriptClassCache.write(diskKey, ordered);
        }
        return type;
    }

    private static Class<?> parse(String text, String sourceName) {
        return parse(text, sourceName, null);
    }

    /** Compiles {@code text}; the bytes of every class generated go into {@code bytes} when it is not null. */
    private static Class<?> parse(String text, String sourceName, Map<String, byte[]> bytes) {
        // a loader per script text (never closed: the script's classes resolve through it while they run)
        GroovyClassLoader loader = bytes == null
                ? new GroovyClassLoader(ScriptEvaluator.class.getClassLoader(), Compiler.CONFIG)
                : new RecordingLoader(ScriptEvaluator.class.getClassLoader(), bytes);
        return loader.parseClass(new GroovyCodeSource(text, sourceName, "/groovy/soak/scenario"), false);
    }

    /** A Groovy class loader that also hands out the bytes of the classes it defines (for {@link ScriptClassCache}). */
    private static final class RecordingLoader extends GroovyClassLoader {
        private final Map<String, byte[]> bytes;

        RecordingLoader(ClassLoader parent, Map<String, byte[]> bytes) {
            super(parent, Compiler.CONFIG);
            this.bytes = bytes;
        }

        @Override
        protected ClassCollector createCollector(org.codehaus.groovy.control.CompilationUnit unit,
                                                 org.codehaus.groovy.control.SourceUnit su) {
            return new ClassCollector(new InnerLoader(this), unit, su) {
                @Override
                protected Class createClass(byte[] code, org.codehaus.groovy.ast.ClassNode node) {
                    bytes.put(node.getName(), code);
                    return super.createClass(code, node);
                }
            };
        }
    }

    private static ScenarioException compileError(String displayName, String text, String sourceName, SourceScanner scan,
                                                  MultipleCompilationErrorsException e) {
        Message m = e.getErrorCollector().getErrorCount() > 0 ? e.getErrorCollector().getError(0) : null;
        if (m instanceof SyntaxErrorMessage s && s.getCause() instanceof ExitGuard.Refused r) {
            return new ScenarioException(displayName, r.getLine(), r.getOriginalMessage(), e);
        }
        if (m instanceof SyntaxErrorMessage s) {
            SyntaxException se = s.getCause();
            String msg = "does not compile: " + firstLine(se.getOriginalMessage());
            // Groovy's parser reports many errors at the enclosing block (the soak { line) or at the end: a bracket
            // problem is reported at its own line, otherwise the first line from which the script stops compiling
            int line = firstFailingLine(text, sourceName, scan.cuts(), se.getLine());
            boolean noPrefixFails = line < 0;
            line = Math.abs(line);
            if (scan.problem() != null && (noPrefixFails || scan.problem().line() <= line)) {
                return new ScenarioException(displayName, scan.problem().line(), "does not compile: " + scan.problem().message(), e);
            }
            if (line != se.getLine()) {
                msg = "does not compile: unexpected input at this line";
            }
            return new ScenarioException(displayName, line, msg, e);
        }
        if (m instanceof ExceptionMessage x) {
            return new ScenarioException(displayName, 0, "does not compile: " + firstLine(String.valueOf(x.getCause().getMessage())), e);
        }
        return new ScenarioException(displayName, 0, "does not compile: " + firstLine(e.getMessage()), e);
    }

    /**
     * The first line of the script whose statement does not compile: the shortest prefix (cut at a statement end
     * and closed with the open braces) that fails to compile tells the last statement included is bad. Falls back
     * to {@code reported} when no prefix fails (the error is in what follows the last cut).
     */
    private static int firstFailingLine(String text, String sourceName, List<SourceScanner.Cut> cuts, int reported) {
        int lo = 0;
        int hi = cuts.size() - 1;
        int firstBad = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            SourceScanner.Cut c = cuts.get(mid);
            if (compiles(text.substring(0, c.endOffset()) + c.closers(), sourceName)) {
                lo = mid + 1;
            } else {
                firstBad = mid;
                hi = mid - 1;
            }
        }
        int from = firstBad < 0 ? (cuts.isEmpty() ? 0 : cuts.get(cuts.size() - 1).line())
                : firstBad == 0 ? 0 : cuts.get(firstBad - 1).line();
        int to = firstBad < 0 ? Integer.MAX_VALUE : cuts.get(firstBad).line();
        if (firstBad < 0) {
            // every cut compiles: the error is in what follows the last one (an unclosed block, say)
            return -(reported > from ? reported : Math.max(1, reported));
        }
        // the first non-blank, non-comment line after the last good cut
        String[] lines = text.split("\n", -1);
        for (int i = from; i < lines.length && i < to; i++) {
            String t = lines[i].strip();
            if (!t.isEmpty() && !t.startsWith("//") && !t.equals("}")) {
                return i + 1;
            }
        }
        return reported;
    }

    private static boolean compiles(String text, String sourceName) {
        try {
            parse(text, sourceName);
            return true;
        } catch (CompilationFailedException e) {
            return false;
        }
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }

    /** A name Groovy can derive a class name from; messages keep the display name. */
    private static String sourceName(String displayName) {
        String base = baseName(displayName).replaceAll("[^A-Za-z0-9_$]", "_");
        if (base.isEmpty() || !Character.isJavaIdentifierStart(base.charAt(0))) {
            base = "_" + base;
        }
        return base + ".groovy";
    }

    private static String baseName(String displayName) {
        String n = displayName;
        int slash = Math.max(n.lastIndexOf('/'), n.lastIndexOf('\\'));
        if (slash >= 0) {
            n = n.substring(slash + 1);
        }
        return n.endsWith(".groovy") ? n.substring(0, n.length() - ".groovy".length()) : n;
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
