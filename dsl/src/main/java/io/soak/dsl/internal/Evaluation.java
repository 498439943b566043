package io.soak.dsl.internal;

import groovy.lang.Closure;
import groovy.lang.MissingMethodException;
import groovy.lang.MissingPropertyException;
import groovy.lang.Script;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * The state of one script evaluation: which file it is (for line numbers), the environment it may read,
 * the stack of open blocks (so a setting used in the wrong block is reported), and the resulting
 * {@code soak { }} context. One instance per evaluation, confined to the evaluating thread.
 */
public final class Evaluation {

    private static final StackWalker WALKER = StackWalker.getInstance();

    final String displayName;
    final String sourceName;
    final String scriptFile;
    final Path scriptDir;
    final Map<String, String> env;
    final io.soak.dsl.ConfigCatalog catalog;
    private final Deque<BlockContext> stack = new ArrayDeque<>();
    SoakContext soak;

    Evaluation(String displayName, String sourceName, String scriptFile, Path scriptDir, Map<String, String> env,
               io.soak.dsl.ConfigCatalog catalog) {
        this.catalog = catalog == null ? io.soak.dsl.ConfigCatalog.none() : catalog;
        this.displayName = displayName;
        this.sourceName = sourceName;
        this.scriptFile = scriptFile;
        this.scriptDir = scriptDir;
        this.env = env == null ? Map.of() : env;
    }

    /** The script line currently executing (the innermost script frame), 0 when none. */
    int currentLine() {
        return WALKER.walk(frames -> frames.filter(f -> sourceName.equals(f.getFileName()) && f.getLineNumber() > 0)
                .findFirst().map(StackWalker.StackFrame::getLineNumber).orElse(0));
    }

    /** The script line of the first script frame in {@code t} or its causes, 0 when none. */
    int lineOf(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            for (StackTraceElement e : c.getStackTrace()) {
                if (sourceName.equals(e.getFileName()) && e.getLineNumber() > 0) {
                    return e.getLineNumber();
                }
            }
        }
        return 0;
    }

    BlockContext top() {
        return stack.peek();
    }

    /** Runs {@code body} with {@code ctx} as its delegate; unknown names inside become one-line errors. */
    <T extends BlockContext> T run(T ctx, Closure<?> body) {
        if (body == null) {
            return ctx;
        }
        Closure<?> c = (Closure<?>) body.clone();
        c.setResolveStrategy(Closure.DELEGATE_FIRST);
        c.setDelegate(ctx);
        stack.push(ctx);
        try {
            if (c.getMaximumNumberOfParameters() > 0) {
                c.call(ctx);
            } else {
                c.call();
            }
        } catch (MissingMethodException e) {
            throw unknownMethod(ctx, e);
        } catch (MissingPropertyException e) {
            throw unknownProperty(ctx, e);
        } finally {
            stack.pop();
        }
        return ctx;
    }

    private static boolean implicitReceiver(Class<?> type) {
        return type == null || Closure.class.isAssignableFrom(type) || Script.class.isAssignableFrom(type)
                || BlockContext.class.isAssignableFrom(type);
    }

    DslError unknownMethod(BlockContext ctx, MissingMethodException e) {
        int line = lineOf(e);
        String name = e.getMethod();
        if (!implicitReceiver(e.getType())) {
            return new DslError(line, "no method " + name + "(" + argTypes(e.getArguments()) + ") on "
                    + e.getType().getSimpleName());
        }
        if (ctx == null) {
            return new DslError(line, "unknown name '" + name + "' at the top level of the script; known: data, env, soak");
        }
        if (ctx.known().contains(name)) {
            return new DslError(line, ctx.field(name) + " does not accept (" + argValues(e.getArguments()) + ")"
                    + ctx.usage(name));
        }
        return new DslError(line, "unknown setting '" + name + "' in " + ctx.label + closest(name, ctx.known()) + (closest(name, ctx.known()).isEmpty() ? "; known: " : " known: ")
                + String.join(", ", ctx.known()));
    }

    DslError unknownProperty(BlockContext ctx, MissingPropertyException e) {
        int line = lineOf(e);
        String name = e.getProperty();
        Class<?> type = e.getType();
        if (type != null && Number.class.isAssignableFrom(type)) {
            return new DslError(line, "unknown time unit '." + name + "'; known: millis, seconds, minutes, hours");
        }
        if (!implicitReceiver(type)) {
            return new DslError(line, "no property '" + name + "' on " + type.getSimpleName());
        }
        if (ctx == null) {
            return new DslError(line, "unknown name '" + name + "' at the top level of the script; known: data, env, soak");
        }
        if (ctx.known().contains(name)) {
            return new DslError(line, ctx.field(name) + " needs a value" + ctx.usage(name));
        }
        return new DslError(line, "unknown setting '" + name + "' in " + ctx.label + closest(name, ctx.known())
                + " (text needs quotes: '" + name + "'); known: " + String.join(", ", ctx.known()));
    }

    /** {@code ; did you mean 'duration'?} when a known name is close, else nothing. */
    static String closest(String name, java.util.Collection<String> known) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String k : known) {
            int d = io.soak.dsl.ConfigCatalog.distance(name.toLowerCase(java.util.Locale.ROOT), k.toLowerCase(java.util.Locale.ROOT));
            if (d < bestD) {
                bestD = d;
                best = k;
            }
        }
        return best != null && bestD <= Math.max(2, name.length() / 3) ? "; did you mean '" + best + "'?" : "";
    }

    private static String argTypes(Object[] args) {
        StringBuilder b = new StringBuilder();
        for (Object a : args == null ? new Object[0] : args) {
            b.append(b.length() == 0 ? "" : ", ").append(a == null ? "null" : a.getClass().getSimpleName());
        }
        return b.toString();
    }

    private static String argValues(Object[] args) {
        StringBuilder b = new StringBuilder();
        for (Object a : args == null ? new Object[0] : args) {
            b.append(b.length() == 0 ? "" : ", ").append(Values.show(a));
        }
        return b.toString();
    }

    /** {@code env('NAME')}: the variable's value, or null when unset. */
    String env(String name) {
        String v = env.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    /**
     * The shared data directory ({@link io.soak.dsl.DataDirectory}): system property {@code soak.shared.data}, else
     * environment {@code SOAK_DATA}, else the first {@code shared/data} directory found walking up from the script's
     * directory (the layout {@code <work>/shared/data} beside {@code <work>/<project>}), else {@code ../shared/data}.
     */
    Path dataRoot() {
        return io.soak.dsl.DataDirectory.find(scriptDir, env).root();
    }

    String data(String relative) {
        if (relative == null || relative.isBlank()) {
            throw new DslError("data() needs a path relative to the shared data directory, for example data('binance-usdm/btcusdt_20240808.gz')");
        }
        try {
            return dataRoot().resolve(relative.trim()).normalize().toString();
        } catch (InvalidPathException e) {
            throw new DslError("data(" + Values.show(relative) + ") is not a valid path: " + e.getReason());
        }
    }
}
