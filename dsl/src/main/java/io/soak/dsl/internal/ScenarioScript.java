package io.soak.dsl.internal;

import groovy.lang.Closure;
import groovy.lang.DelegatesTo;
import groovy.lang.Script;

/**
 * The base class of every scenario script: {@code soak { }} plus the helpers usable anywhere in it
 * ({@code env}, {@code data}). Scripts have no side effects: they only read the environment given to the
 * loader and describe a plan.
 */
public abstract class ScenarioScript extends Script {

    private Evaluation evaluation;

    final void evaluation(Evaluation e) {
        this.evaluation = e;
    }

    private Evaluation ev() {
        if (evaluation == null) {
            throw new IllegalStateException("scenario scripts are evaluated by io.soak.dsl.ScenarioLoader");
        }
        return evaluation;
    }

    /** The scenario. Exactly one per script. */
    public void soak(@DelegatesTo(value = SoakContext.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
        Evaluation e = ev();
        if (e.top() != null) {
            throw new DslError("soak { } cannot be nested inside " + e.top().label);
        }
        if (e.soak != null) {
            throw new DslError("soak { } may appear only once in a script (first at line " + e.soak.openLine + ")");
        }
        e.soak = new SoakContext(e);
        e.run(e.soak, body);
    }

    /** The environment variable's value, or null when it is unset or empty. */
    public String env(String name) {
        return ev().env(name);
    }

    /** The environment variable's value, or {@code fallback} (as text; null stays null) when unset or empty. */
    public String env(String name, Object fallback) {
        String v = ev().env(name);
        return v != null ? v : fallback == null ? null : fallback.toString();
    }

    /** A path under the shared data directory (see docs/scenarios.md); its existence is checked by the runtime. */
    public String data(String relative) {
        return ev().data(relative);
    }
}
