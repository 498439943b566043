package io.soak.launcher;

import io.soak.api.plan.ScenarioPlan;
import io.soak.dsl.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code soak validate <scenario.groovy>}: evaluates the script without running it. Invalid: the one line
 * {@code (file.groovy, line N) message}, exit 2. Valid: a short summary of the plan, exit 0.
 */
@Command(name = "validate", mixinStandardHelpOptions = true, description = "Check a scenario script and print a summary of its plan.")
final class ValidateCommand implements Callable<Integer> {

    @ParentCommand
    SoakCommand root;

    @Parameters(paramLabel = "<scenario.groovy>", description = "The scenario script.")
    Path scenario;

    @picocli.CommandLine.Option(names = "--config", paramLabel = "<defaults.yaml>",
            description = "Also check this defaults file's keys against what the installed components read.")
    Path config;

    @Override
    public Integer call() throws Exception {
        RunLog.verbose(root.verbose);
        if (!Files.isRegularFile(scenario)) {
            throw new UserException(Launcher.INVALID, "scenario not found: " + scenario);
        }
        io.soak.dsl.ConfigCatalog catalog = Catalogs.of(root.launcher.home());
        if (config != null) {
            Defaults.load(config, catalog);
        }
        ScenarioPlan plan = ScenarioLoader.load(scenario, System.getenv(), io.soak.dsl.ScenarioLimits.defaults(), catalog);
        CaptureFilesCheck.check(plan);
        for (String line : PlanSummary.lines(plan)) {
            root.launcher.out().println(line);
        }
        return Launcher.PASS;
    }
}
