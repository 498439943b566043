package io.soak.dsl.internal;

import groovy.lang.GroovyObject;
import groovy.lang.MetaClass;
import groovy.lang.MissingPropertyException;
import org.codehaus.groovy.runtime.InvokerHelper;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Base of the DSL's context classes (Jenkins Job DSL style: one small class per block, whose public methods
 * are the block's settings). It records the script line of every setting (for checks made after the
 * script ran), refuses a setting used inside another block (closures resolve names outward), and lists the
 * known settings for the "unknown setting" message.
 */
public abstract class BlockContext implements GroovyObject {

    private static final ClassValue<List<String>> KNOWN = new ClassValue<>() {
        @Override
        protected List<String> computeValue(Class<?> type) {
            TreeSet<String> names = new TreeSet<>();
            for (Class<?> c = type; c != null && c != BlockContext.class; c = c.getSuperclass()) {
                for (Method m : c.getDeclaredMethods()) {
                    if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()) && !m.isSynthetic()
                            && !m.isBridge()) {
                        names.add(m.getName());
                    }
                }
            }
            return List.copyOf(names);
        }
    };

    final Evaluation eval;
    /** Dotted field path used in messages, for example {@code soak.source}. */
    final String path;
    /** How the block is named in messages, for example {@code source { }}. */
    final String label;
    /** Line where the block was opened. */
    final int openLine;
    private final Map<String, Integer> lines = new HashMap<>();
    private transient MetaClass metaClass;

    BlockContext(Evaluation eval, String path, String label) {
        this.eval = eval;
        this.path = path;
        this.label = label;
        this.openLine = eval.currentLine();
    }

    /** Marks a setting as used here: fails when this block is not the innermost open one; records the line. */
    final void enter(String setting) {
        BlockContext top = eval.top();
        if (top != this) {
            throw new DslError("'" + setting + "' is a setting of " + label + ", not of "
                    + (top == null ? "the top level" : top.label));
        }
        lines.put(setting, eval.currentLine());
    }

    final int lineOf(String setting) {
        Integer l = lines.get(setting);
        return l != null ? l : openLine;
    }

    final boolean used(String setting) {
        return lines.containsKey(setting);
    }

    final String field(String setting) {
        return path + "." + setting;
    }

    /** An error about a setting found after evaluation, reported at the line where the setting was made. */
    final DslError invalid(String setting, String message) {
        return new DslError(lineOf(setting), field(setting) + " " + message);
    }

    final List<String> known() {
        return KNOWN.get(getClass());
    }

    /** A usage hint for a setting, shown when it was called with arguments it does not take. */
    String hint(String setting) {
        return null;
    }

    final String usage(String setting) {
        String h = hint(setting);
        return h == null ? "" : "; usage: " + h;
    }

    final <T extends BlockContext> T open(T child, groovy.lang.Closure<?> body) {
        return eval.run(child, body);
    }

    // GroovyObject: property reads and writes come here (never to the context's private fields, which Groovy
    // would otherwise read and write directly); method calls go through the meta-class as usual.

    @Override
    public MetaClass getMetaClass() {
        if (metaClass == null) {
            metaClass = InvokerHelper.getMetaClass(getClass());
        }
        return metaClass;
    }

    @Override
    public void setMetaClass(MetaClass mc) {
        this.metaClass = mc;
    }

    @Override
    public Object invokeMethod(String name, Object args) {
        return getMetaClass().invokeMethod(this, name, args);
    }

    @Override
    public Object getProperty(String name) {
        if ("metaClass".equals(name)) {
            return getMetaClass();
        }
        return propertyMissing(name);
    }

    @Override
    public void setProperty(String name, Object value) {
        propertyMissing(name, value);
    }

    /**
     * Lets no-argument settings be written without parentheses ({@code standard} for {@code standard()});
     * any other unknown name is left to the enclosing scopes (script variables), then reported.
     */
    public Object propertyMissing(String name) {
        if (known().contains(name)) {
            for (Method m : getClass().getMethods()) {
                if (m.getName().equals(name) && m.getParameterCount() == 0) {
                    try {
                        return m.invoke(this);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        if (e.getCause() instanceof RuntimeException r) {
                            throw r;
                        }
                        throw new IllegalStateException(e.getCause());
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        throw new MissingPropertyException(name, getClass());
    }

    /** {@code duration = 5.minutes} inside a block would silently set a script variable: refuse it. */
    public void propertyMissing(String name, Object value) {
        if (known().contains(name)) {
            throw new DslError("write " + name + " " + Values.show(value) + " (without '=') in " + label);
        }
        throw new DslError("unknown setting '" + name + "' in " + label + " (settings are written without '=', "
                + "script variables are declared with def outside the block); known: " + String.join(", ", known()));
    }
}
