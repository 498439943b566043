package io.soak.shell;

import io.soak.launcher.SubcommandProvider;

/** Registers {@code soak shell} with the launcher's command line. */
public final class ShellProvider implements SubcommandProvider {

    @Override
    public String name() {
        return "shell";
    }

    @Override
    public Object create() {
        return new ShellCommand();
    }
}
