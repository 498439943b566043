package io.soak.launcher;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The root {@code soak} command. Subcommands are registered here and only here: to add one, write a class
 * in {@code io.soak.launcher} (or a sub-package) annotated with {@code @Command} that implements
 * {@code Callable<Integer>}, and add it to the {@code subcommands} list below.
 */
@Command(name = "soak",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Runs a market-data pipeline soak in an embedded OSGi runtime and proves it stayed healthy.",
        subcommands = {
                RunCommand.class,
                ValidateCommand.class,
                VersionCommand.class,
                BundlesCommand.class,
                VerifyCommand.class,
                MergeCommand.class,
                ReportCommand.class,
                FeedCommand.class,
                BenchCommand.class,
                picocli.CommandLine.HelpCommand.class
        })
public final class SoakCommand implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Show the cause chain of errors and debug logging.")
    boolean verbose;

    final Launcher launcher;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    SoakCommand(Launcher launcher) {
        this.launcher = launcher;
    }

    /** For subcommands (any package): streams, home, environment. */
    public Launcher launcher() {
        return launcher;
    }

    /** True when {@code --verbose} was given (anywhere on the command line). */
    public boolean verbose() {
        return verbose;
    }

    /** {@code soak} alone: the usage, as an invalid command line. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Launcher.INVALID;
    }
}
