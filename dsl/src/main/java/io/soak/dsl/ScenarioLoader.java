package io.soak.dsl;

import io.soak.api.plan.ScenarioPlan;
import io.soak.dsl.internal.ScriptEvaluator;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Files;
import java.util.Map;

/**
 * Evaluates a Groovy scenario script to an immutable {@link ScenarioPlan}. Evaluation has no side effects: the
 * script reads only the environment given here (and the {@code soak.shared.data} system property for
 * {@code data()}); nothing is started. Thread-safe. The first evaluation in a JVM costs about 1–1.5 s (Groovy
 * class loading); later ones a few milliseconds; with {@link #useClassCache} a later process skips the compiler. The language is documented in docs/scenarios.md.
 */
public final class ScenarioLoader {

    private ScenarioLoader() {
    }

    /**
     * How the last scenario loaded on this thread got its compiled classes, for the startup figures:
     * {@code classes} is {@code compiled} (the Groovy compiler ran), {@code disk} (the on-disk class cache, see
     * {@link #useClassCache}) or {@code memory} (compiled earlier in this JVM); {@code compileMs} the time to have
     * the classes, {@code runMs} the script's own evaluation.
     */
    public record Timing(String classes, long compileMs, long runMs, long totalMs) {
    }

    /** The {@link Timing} of the last scenario this thread loaded successfully. */
    public static java.util.Optional<Timing> lastTiming() {
        ScriptEvaluator.CompileInfo i = ScriptEvaluator.lastCompile();
        return i == null ? java.util.Optional.empty()
                : java.util.Optional.of(new Timing(i.source(), i.compileMs(), i.runMs(), i.totalMs()));
    }

    /**
     * Keeps the compiled classes of scenario scripts in {@code directory} (null: no disk cache, the default), keyed
     * by the script's content and this DSL build, so that a later process skips the compiler. Safe to delete;
     * {@code -Dsoak.dsl.cache=off} disables it.
     */
    public static void useClassCache(Path directory) {
        io.soak.dsl.internal.ScriptClassCache.configure(directory);
    }

    /** The class cache directory in use, or null. */
    public static Path classCacheDirectory() {
        return io.soak.dsl.internal.ScriptClassCache.directory();
    }

    /** Loads a script file; {@code env()} reads the process environment. */
    public static ScenarioPlan load(Path script) {
        return load(script, System.getenv());
    }

    /** Loads a script file; {@code env()} reads {@code env}. */
    public static ScenarioPlan load(Path script, Map<String, String> env) {
        return load(script, env, ScenarioLimits.defaults(), ConfigCatalog.none());
    }

    /**
     * Loads a script file within {@code limits}, checking its {@code config { }} keys against {@code catalog};
     * {@code env()} reads {@code env}.
     */
    public static ScenarioPlan load(Path script, Map<String, String> env, ScenarioLimits limits, ConfigCatalog catalog) {
        String display = script.getFileName() == null ? script.toString() : script.getFileName().toString();
        String text;
        try {
            if (Files.isRegularFile(script)) {
                ScriptEvaluator.checkSize(display, Files.size(script), limits);
            }
            text = Files.readString(script, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ScenarioException(display, 0, "scenario file not found: " + script);
        } catch (CharacterCodingException e) {
            throw new ScenarioException(display, 0, "scenario file is not UTF-8 text: " + script);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new ScenarioException(display, 0, "cannot read scenario file " + script + ": permission denied");
        } catch (IOException e) {
            throw new ScenarioException(display, 0, "cannot read scenario file " + script + ": " + e.getMessage());
        }
        Path dir = script.toAbsolutePath().getParent();
        return ScriptEvaluator.evaluate(text, display, script.toString(), dir, env, limits, catalog);
    }

    /**
     * Evaluates script text. {@code fileName} is how it is named in messages and in the plan (for example
     * {@code demo.groovy}); when it is a path with a directory, {@code data()} searches from there, otherwise
     * from the working directory. {@code env()} reads the process environment.
     */
    public static ScenarioPlan load(String text, String fileName) {
        return load(text, fileName, System.getenv());
    }

    /** As {@link #load(String, String)}, with {@code env()} reading {@code env}. */
    public static ScenarioPlan load(String text, String fileName, Map<String, String> env) {
        return load(text, fileName, env, ScenarioLimits.defaults(), ConfigCatalog.none());
    }

    /** As {@link #load(String, String, Map)}, within {@code limits} and checking config keys against {@code catalog}. */
    public static ScenarioPlan load(String text, String fileName, Map<String, String> env, ScenarioLimits limits,
                                    ConfigCatalog catalog) {
        String name = fileName == null || fileName.isBlank() ? "script.groovy" : fileName;
        String display = name;
        Path dir = null;
        try {
            Path p = Path.of(name);
            if (p.getFileName() != null) {
                display = p.getFileName().toString();
            }
            if (p.getParent() != null) {
                dir = p.toAbsolutePath().getParent();
            }
        } catch (InvalidPathException e) {
            // not a path: keep the name as given
        }
        return ScriptEvaluator.evaluate(text == null ? "" : text, display, name, dir, env, limits, catalog);
    }
}
