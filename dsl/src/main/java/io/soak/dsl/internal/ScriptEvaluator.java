package io.soak.dsl.internal;

import groovy.lang.Binding;
import groovy.lang.Closure;
import groovy.lang.GroovyClassLoader;
import groovy.lang.GroovyCodeSource;
import groovy.lang.MissingMethodException;
import groovy.lang.MissingPropertyException;
import groovy.lang.Script;
import io.soak.api.plan.ScenarioPlan;
import io.soak.dsl.ScenarioException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.codehaus.groovy.control.CompilationFailedException;
import org.codehaus.groovy.control.CompilerConfiguration;
import org.codehaus.groovy.control.MultipleCompilationErrorsException;
import org.codehaus.groovy.control.messages.ExceptionMessage;
import org.codehaus.groovy.control.messages.Message;
import org.codehaus.groovy.control.messages.SyntaxErrorMessage;
import org.codehaus.groovy.runtime.GroovyCategorySupport;
import org.codehaus.groovy.runtime.InvokerHelper;
import org.codehaus.groovy.syntax.SyntaxException;

/**
 * Compiles and runs one scenario script and turns every failure into a one-line {@link ScenarioException}.
 * One compiler configuration for the JVM; each distinct script text is compiled once (a small bounded cache)
 * in a class loader of its own, so reloading scripts does not pile up classes.
 */
public final class ScriptEvaluator {

    private static final CompilerConfiguration CONFIG = new CompilerConfiguration();
    private static final int CACHE_SIZE = 32;
    private static final Map<String, Class<?>> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Class<?>> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    static {
        CONFIG.setScriptBaseClass(ScenarioScript.class.getName());
        CONFIG.setSourceEncoding("UTF-8");
    }

    private ScriptEvaluator() {
    }

    /**
     * @param text        the script
     * @param displayName the file name shown in messages, for example {@code demo.groovy}
     * @param scriptFile  the path as given (recorded in the plan)
     * @param scriptDir   the script's directory (for {@code data()}), or null
     * @param env         the environment {@code env()} reads
     */
    public static ScenarioPlan evaluate(String text, String displayName, String scriptFile, Path scriptDir,
                                        Map<String, String> env) {
        String hash = sha256(text);
        String sourceName = sourceName(displayName);
        Class<?> type = compile(text, displayName, sourceName, hash);
        if (!ScenarioScript.class.isAssignableFrom(type)) {
            throw new ScenarioException(displayName, 0, "not a scenario script (it declares only a class); write soak { ... }");
        }
        Evaluation eval = new Evaluation(displayName, sourceName, scriptFile, scriptDir, env);
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
            throw new ScenarioException(displayName, eval.lineOf(e), "the script recurses without end");
        } catch (RuntimeException e) {
            throw translate(eval, e);
        }
    }

    private static ScenarioException translate(Evaluation eval, RuntimeException e) {
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
        String msg = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
        return new ScenarioException(eval.displayName, line, e.getClass().getSimpleName() + (msg.isEmpty() ? "" : ": " + msg), e);
    }

    private static Class<?> compile(String text, String displayName, String sourceName, String hash) {
        String key = hash + "\n" + sourceName;
        synchronized (CACHE) {
            Class<?> hit = CACHE.get(key);
            if (hit != null) {
                return hit;
            }
        }
        Class<?> type;
        // a loader per script text (never closed: the script's classes resolve through it while they run)
        GroovyClassLoader loader = new GroovyClassLoader(ScriptEvaluator.class.getClassLoader(), CONFIG);
        try {
            type = loader.parseClass(new GroovyCodeSource(text, sourceName, "/groovy/soak/scenario"), false);
        } catch (MultipleCompilationErrorsException e) {
            throw compileError(displayName, e);
        } catch (CompilationFailedException e) {
            throw new ScenarioException(displayName, 0, "does not compile: " + firstLine(e.getMessage()), e);
        }
        synchronized (CACHE) {
            CACHE.put(key, type);
        }
        return type;
    }

    private static ScenarioException compileError(String displayName, MultipleCompilationErrorsException e) {
        Message m = e.getErrorCollector().getErrorCount() > 0 ? e.getErrorCollector().getError(0) : null;
        if (m instanceof SyntaxErrorMessage s) {
            SyntaxException se = s.getCause();
            return new ScenarioException(displayName, se.getLine(), "does not compile: " + firstLine(se.getOriginalMessage()), e);
        }
        if (m instanceof ExceptionMessage x) {
            return new ScenarioException(displayName, 0, "does not compile: " + firstLine(String.valueOf(x.getCause().getMessage())), e);
        }
        return new ScenarioException(displayName, 0, "does not compile: " + firstLine(e.getMessage()), e);
    }

    private static String firstLine(String s) {
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
