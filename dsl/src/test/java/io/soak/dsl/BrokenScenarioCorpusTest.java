package io.soak.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * The corpus of broken scenarios ({@code src/test/resources/broken/*.groovy}): each file's first line says
 * {@code // expect: line N: <text>}; loading it must fail with one {@link ScenarioException} line, at most
 * {@link ScenarioException#MAX_LENGTH} characters, starting {@code (file, line N)} and containing the text, and
 * without letting the script end, hang or crash the JVM (the exit, hang and error cases are in the corpus).
 * The launcher's {@code ValidateCorpusTest} runs the same files through {@code soak validate} for exit code 2.
 */
class BrokenScenarioCorpusTest {

    static final Path CORPUS = Path.of("src/test/resources/broken");
    private static final Pattern EXPECT = Pattern.compile("// expect: line (\\d+): (.*)");
    /** Short time limit so the hang cases end quickly; compiling keeps its default bound. */
    static final ScenarioLimits LIMITS = ScenarioLimits.defaults().withEvaluation(Duration.ofSeconds(2));

    /** One corpus entry. */
    record Case(Path file, int line, String text) {
        static Case of(Path file) {
            try {
                String first = Files.readAllLines(file, StandardCharsets.UTF_8).get(0);
                Matcher m = EXPECT.matcher(first);
                if (!m.matches()) {
                    throw new AssertionError(file + ": first line must be '// expect: line N: text', got " + first);
                }
                return new Case(file, Integer.parseInt(m.group(1)), m.group(2).strip());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        String prefix() {
            String name = file.getFileName().toString();
            return line > 0 ? "(" + name + ", line " + line + ") " : "(" + name + ") ";
        }
    }

    static List<Case> corpus() throws IOException {
        List<Case> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(CORPUS)) {
            s.filter(p -> p.toString().endsWith(".groovy")).sorted().forEach(p -> out.add(Case.of(p)));
        }
        return out;
    }

    /** The declarations the repository's components ship (the same files the launcher reads from their jars). */
    static ConfigCatalog repositoryCatalog() throws IOException {
        List<ConfigCatalog.Key> keys = new ArrayList<>();
        for (String dir : List.of("../bundles", "../runtime")) {
            try (Stream<Path> s = Files.walk(Path.of(dir), 9)) {
                for (Path p : s.filter(p -> p.endsWith(Path.of("src/main/resources/META-INF/soak/config.keys"))).toList()) {
                    keys.addAll(ConfigCatalog.parse(Files.readString(p), p.toString()));
                }
            }
        }
        return ConfigCatalog.of(keys);
    }

    @Test
    void holdsAtLeastAHundredBrokenScenariosWithTheExitAndHangCases() throws IOException {
        List<Case> all = corpus();
        assertThat(all).hasSizeGreaterThanOrEqualTo(100);
        assertThat(all).extracting(c -> c.file().getFileName().toString())
                .anyMatch(n -> n.contains("exit-system")).anyMatch(n -> n.contains("exit-halt"))
                .anyMatch(n -> n.contains("hang-while")).anyMatch(n -> n.contains("hang-sleep"))
                .anyMatch(n -> n.contains("hang-deep-nesting"));
    }

    @TestFactory
    @Timeout(600)
    Stream<DynamicTest> everyBrokenScenarioIsOneLineAtItsLine() throws IOException {
        ConfigCatalog catalog = repositoryCatalog();
        return corpus().stream().map(c -> DynamicTest.dynamicTest(c.file().getFileName().toString(), () -> {
            ScenarioException e = catchThrowableOfType(ScenarioException.class,
                    () -> ScenarioLoader.load(c.file(), Map.of(), LIMITS, catalog));
            assertThat(e).as("%s must be refused", c.file()).isNotNull();
            String msg = e.getMessage();
            if (Boolean.getBoolean("corpus.print")) {
                System.out.println("CORPUS " + msg);
            }
            assertThat(msg).as("one line").doesNotContain("\n").doesNotContain("\r");
            assertThat(msg.length()).as("at most %d characters: %s", ScenarioException.MAX_LENGTH, msg)
                    .isLessThanOrEqualTo(ScenarioException.MAX_LENGTH);
            assertThat(msg).startsWith(c.prefix()).contains(c.text());
            assertThat(msg).as("no secret").doesNotContain("hunter2").doesNotContain("s3cret").doesNotContain("p@ss")
                    .doesNotContain("pa/ss");
        }));
    }

    @Test
    void aScriptOverTheSizeLimitIsRefusedBeforeItIsRead(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path big = dir.resolve("big.groovy");
        StringBuilder b = new StringBuilder("soak {\n");
        String line = "  // " + "x".repeat(1000) + "\n";
        while (b.length() < (2 << 20)) {
            b.append(line);
        }
        Files.writeString(big, b.append("}\n"));

        ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> ScenarioLoader.load(big, Map.of()));

        assertThat(e.getMessage()).startsWith("(big.groovy) the script is 2.0 MiB, over the size limit of 1.0 MiB");
    }
}
