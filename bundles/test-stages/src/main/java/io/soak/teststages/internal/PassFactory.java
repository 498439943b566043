package io.soak.teststages.internal;

import io.soak.api.stage.Stage;
import io.soak.api.stage.StageFactory;
import java.util.Set;

/** A pass-through stage kind over one input and one output topic. Usable outside OSGi: {@code new PassFactory(...)}. */
public class PassFactory implements StageFactory {

    private final String kind;
    private final String input;
    private final String output;

    public PassFactory(String kind, String input, String output) {
        this.kind = kind;
        this.input = input;
        this.output = output;
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public Set<String> inputs() {
        return Set.of(input);
    }

    @Override
    public Set<String> outputs() {
        return Set.of(output);
    }

    @Override
    public Stage create() {
        return new PassStage(output);
    }

    /** The four chained kinds {@code pass1..pass4} over raw → t1 → t2 → t3 → t4. */
    public static PassFactory[] chain() {
        return new PassFactory[] {new Pass1(), new Pass2(), new Pass3(), new Pass4()};
    }

    /** {@code pass}: raw → market. */
    @org.osgi.service.component.annotations.Component(service = io.soak.api.stage.StageFactory.class)
    public static final class Pass extends PassFactory {
        public Pass() {
            super("pass", "raw", "market");
        }
    }

    /** {@code pass1}: raw → t1. */
    @org.osgi.service.component.annotations.Component(service = io.soak.api.stage.StageFactory.class)
    public static final class Pass1 extends PassFactory {
        public Pass1() {
            super("pass1", "raw", "t1");
        }
    }

    /** {@code pass2}: t1 → t2. */
    @org.osgi.service.component.annotations.Component(service = io.soak.api.stage.StageFactory.class)
    public static final class Pass2 extends PassFactory {
        public Pass2() {
            super("pass2", "t1", "t2");
        }
    }

    /** {@code pass3}: t2 → t3. */
    @org.osgi.service.component.annotations.Component(service = io.soak.api.stage.StageFactory.class)
    public static final class Pass3 extends PassFactory {
        public Pass3() {
            super("pass3", "t2", "t3");
        }
    }

    /** {@code pass4}: t3 → t4. */
    @org.osgi.service.component.annotations.Component(service = io.soak.api.stage.StageFactory.class)
    public static final class Pass4 extends PassFactory {
        public Pass4() {
            super("pass4", "t3", "t4");
        }
    }
}
