package io.soak.launcher;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Reads Declarative Services component states from Felix SCR's {@code ServiceComponentRuntime} to say why a
 * factory never appeared (unsatisfied references, failed activation). Reflective on purpose: the DS api
 * lives in the {@code org.osgi.service.component} bundle inside the framework, not on the host class path,
 * so the host must not link against its classes.
 */
final class ComponentDiagnostics {

    private static final String SCR = "org.osgi.service.component.runtime.ServiceComponentRuntime";

    private ComponentDiagnostics() {
    }

    /** One line per component that is not satisfied or active; empty when all are fine or SCR is absent. */
    static List<String> problems(BundleContext context) {
        List<String> out = new ArrayList<>();
        for (Component c : components(context)) {
            if (!c.ok()) {
                out.add(c.describe());
            }
        }
        return out;
    }

    /** Every DS component with its state, for {@code soak bundles}. */
    static List<Component> components(BundleContext context) {
        List<Component> out = new ArrayList<>();
        ServiceReference<?> ref = context.getServiceReference(SCR);
        if (ref == null) {
            return out;
        }
        Object scr = context.getService(ref);
        if (scr == null) {
            return out;
        }
        try {
            Method descriptions = method(scr.getClass(), "getComponentDescriptionDTOs");
            Method configurations = method(scr.getClass(), "getComponentConfigurationDTOs");
            Collection<?> descs = (Collection<?>) descriptions.invoke(scr, (Object) new Bundle[0]);
            for (Object desc : descs) {
                String name = (String) field(desc, "name");
                Object bundleDto = field(desc, "bundle");
                String bsn = bundleDto == null ? "?" : (String) field(bundleDto, "symbolicName");
                boolean enabled = Boolean.TRUE.equals(field(desc, "defaultEnabled"));
                Collection<?> configs = (Collection<?>) configurations.invoke(scr, desc);
                if (configs.isEmpty()) {
                    String policy = String.valueOf(field(desc, "configurationPolicy"));
                    out.add(new Component(name, bsn, enabled ? "no configuration (policy " + policy + ")" : "disabled",
                            List.of(), "", !enabled));
                    continue;
                }
                for (Object cfg : configs) {
                    int state = ((Number) field(cfg, "state")).intValue();
                    List<String> refs = new ArrayList<>();
                    Object unsatisfied = field(cfg, "unsatisfiedReferences");
                    if (unsatisfied != null) {
                        for (int i = 0; i < Array.getLength(unsatisfied); i++) {
                            Object u = Array.get(unsatisfied, i);
                            String target = (String) field(u, "target");
                            refs.add(field(u, "name") + (target == null ? "" : " (target " + target + ")"));
                        }
                    }
                    Object failure = fieldOrNull(cfg, "failure");
                    out.add(new Component(name, bsn, stateName(state), refs, failure == null ? "" : failure.toString(),
                            state == 4 || state == 8));
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            out.add(new Component("?", "?", "could not read SCR state: " + e, List.of(), "", false));
        } finally {
            context.ungetService(ref);
        }
        return out;
    }

    /** A component configuration's state as SCR reports it. */
    record Component(String name, String bundle, String state, List<String> unsatisfiedReferences, String failure,
                     boolean ok) {

        String describe() {
            StringBuilder b = new StringBuilder("component ").append(name).append(" in ").append(bundle).append(": ")
                    .append(state);
            if (!unsatisfiedReferences.isEmpty()) {
                b.append(", unsatisfied references ").append(String.join(", ", unsatisfiedReferences));
            }
            if (!failure.isEmpty()) {
                b.append(", failure: ").append(failure.lines().findFirst().orElse(""));
            }
            return b.toString();
        }
    }

    private static String stateName(int state) {
        return switch (state) {
            case 1 -> "unsatisfied configuration";
            case 2 -> "unsatisfied reference";
            case 4 -> "satisfied";
            case 8 -> "active";
            case 16 -> "failed activation";
            default -> "state " + state;
        };
    }

    private static Method method(Class<?> type, String name) throws NoSuchMethodException {
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name)) {
                m.setAccessible(true);
                return m;
            }
        }
        throw new NoSuchMethodException(name);
    }

    private static Object field(Object o, String name) throws ReflectiveOperationException {
        Field f = o.getClass().getField(name);
        return f.get(o);
    }

    private static Object fieldOrNull(Object o, String name) {
        try {
            return field(o, name);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
