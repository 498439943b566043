package io.soak.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dsl's broken-scenario corpus ({@code dsl/src/test/resources/broken}) through {@code soak validate}: exit 2,
 * exactly one line on stderr, {@code (file, line N)} and the expected text, nothing on stdout, no stack trace, and
 * the JVM still here after the {@code System.exit} and {@code Runtime.halt} cases. The installation's config
 * declarations come from a bundle jar built from the repository's {@code META-INF/soak/config.keys} files (read
 * as the launcher reads installed bundles) plus the host class path.
 */
class ValidateCorpusTest {

    private static final Path CORPUS = Path.of("../../dsl/src/test/resources/broken");
    private static final Pattern EXPECT = Pattern.compile("// expect: line (\\d+): (.*)");

    @TempDir
    static Path home;
    private static String previous;

    @BeforeAll
    static void installDeclarations() throws IOException {
        previous = System.getProperty("soak.dsl.timeout_s");
        System.setProperty("soak.dsl.timeout_s", "2");
        Files.createDirectories(home.resolve("bundles"));
        StringBuilder all = new StringBuilder();
        try (Stream<Path> s = Files.walk(Path.of("../../bundles"), 9)) {
            for (Path p : s.filter(p -> p.endsWith(Path.of("src/main/resources/META-INF/soak/config.keys"))).toList()) {
                all.append(Files.readString(p)).append('\n');
            }
        }
        try (OutputStream o = Files.newOutputStream(home.resolve("bundles/declarations.jar"));
             ZipOutputStream z = new ZipOutputStream(o)) {
            z.putNextEntry(new ZipEntry("META-INF/soak/config.keys"));
            z.write(all.toString().getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
    }

    @AfterAll
    static void restore() {
        if (previous == null) {
            System.clearProperty("soak.dsl.timeout_s");
        } else {
            System.setProperty("soak.dsl.timeout_s", previous);
        }
    }

    @TestFactory
    @Timeout(900)
    Stream<DynamicTest> everyBrokenScenarioIsExitTwoWithOneLine() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(CORPUS)) {
            s.filter(p -> p.toString().endsWith(".groovy")).sorted().forEach(files::add);
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(100);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            Matcher m = EXPECT.matcher(Files.readAllLines(f).get(0));
            assertThat(m.matches()).isTrue();
            int line = Integer.parseInt(m.group(1));
            String name = f.getFileName().toString();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();

            int code = new Launcher(home, Map.of(), false).execute(new PrintWriter(out), new PrintWriter(err), "validate",
                    f.toString());

            assertThat(code).as(err.toString()).isEqualTo(2);
            assertThat(out.toString()).isEmpty();
            String e = err.toString();
            assertThat(e.lines().count()).as(e).isEqualTo(1);
            assertThat(e.strip()).startsWith(line > 0 ? "(" + name + ", line " + line + ") " : "(" + name + ") ")
                    .contains(m.group(2).strip()).doesNotContain("\tat ");
        }));
    }
}
