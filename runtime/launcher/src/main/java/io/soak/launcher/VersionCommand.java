package io.soak.launcher;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code soak version}: the runtime, Java and Felix versions. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the runtime, Java and OSGi framework versions.")
final class VersionCommand implements Callable<Integer> {

    @ParentCommand
    SoakCommand root;

    @Override
    public Integer call() {
        for (String line : lines()) {
            root.launcher.out().println(line);
        }
        return Launcher.PASS;
    }

    static String[] lines() {
        return new String[] {
                "soak " + Manifests.runtimeVersion(),
                "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
                "felix " + Manifests.bundleVersion("org.apache.felix.framework").orElse("?")
        };
    }

    /** For {@code soak --version}. */
    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return lines();
        }
    }
}
