package io.soak.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/**
 * Completion from live data: command names; scenario files ({@code ./scenarios}, the install's
 * {@code scenarios/}, the working directory); run ids under the runs directory; fault kinds; the attached
 * run's stage names (asked over the control channel); jar files for {@code swap}.
 */
final class ShellCompleter implements Completer {

    private final Shell shell;

    ShellCompleter(Shell shell) {
        this.shell = shell;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        for (String s : candidates(line.words(), line.wordIndex())) {
            candidates.add(new Candidate(s));
        }
    }

    /** What may stand at word {@code index} of {@code words} (tested without a terminal). */
    List<String> candidates(List<String> words, int index) {
        if (index == 0) {
            return new ArrayList<>(new LinkedHashSet<>(shell.verbs().keySet()));
        }
        String verb = words.get(0);
        int arg = index - 1;
        return switch (verb) {
            case "help" -> arg == 0 ? new ArrayList<>(shell.verbs().keySet()) : List.of();
            case "run", "validate" -> arg == 0 ? scenarios() : List.of();
            case "verify", "report", "attach" -> arg == 0 ? runIds() : List.of();
            case "fault" -> {
                if (arg == 0) {
                    List<String> k = new ArrayList<>(Shell.STAGE_FAULTS);
                    k.add("feed");
                    yield k;
                }
                if (arg == 1) {
                    yield "feed".equals(words.get(1)) ? Shell.FEED_FAULTS : shell.stageNames();
                }
                yield List.of();
            }
            case "swap" -> arg == 0 ? shell.stageNames() : arg == 1 ? jars() : List.of();
            default -> List.of();
        };
    }

    private List<String> scenarios() {
        Set<String> out = new LinkedHashSet<>();
        for (Path dir : List.of(Path.of("scenarios"), shell.home().resolve("scenarios"), Path.of("."))) {
            out.addAll(files(dir, ".groovy"));
        }
        return new ArrayList<>(out);
    }

    private List<String> jars() {
        Set<String> out = new LinkedHashSet<>();
        for (Path dir : List.of(Path.of("."), Path.of("hot"), shell.home().resolve("bundles"))) {
            out.addAll(files(dir, ".jar"));
        }
        return new ArrayList<>(out);
    }

    private List<String> runIds() {
        List<String> out = new ArrayList<>();
        Path runs = shell.runsDir();
        if (!Files.isDirectory(runs)) {
            return out;
        }
        try (Stream<Path> s = Files.list(runs)) {
            s.filter(d -> Files.isRegularFile(d.resolve("run_manifest.json"))).sorted()
                    .forEach(d -> out.add(d.getFileName().toString()));
        } catch (IOException e) {
            // nothing to offer
        }
        return out;
    }

    private static List<String> files(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted()
                    .map(p -> dir.equals(Path.of(".")) ? p.getFileName().toString() : p.toString()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
