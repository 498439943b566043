package io.soak.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's rules (issue 11 item 12): credentials masked in every log line and error line, exceptions on one
 * line without --verbose, repeated warnings collapsed to one line with a count, file errors with path and reason.
 * Logging goes through a Logback context configured as config/logback.xml configures the real one.
 */
class QuietConsoleTest {

    private LoggerContext ctx;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private RepeatCollapser collapser;

    @BeforeEach
    void configure() throws Exception {
        ctx = new LoggerContext();
        ctx.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        // the conversion rules and the turbo filter exactly as config/logback.xml declares them
        String xml = Files.readString(Path.of("../../config/logback.xml"));
        String rules = xml.substring(xml.indexOf("<conversionRule"), xml.indexOf("<appender"));
        ch.qos.logback.classic.joran.JoranConfigurator j = new ch.qos.logback.classic.joran.JoranConfigurator();
        j.setContext(ctx);
        j.doConfigure(new java.io.ByteArrayInputStream(("<configuration>" + rules + "</configuration>")
                .getBytes(StandardCharsets.UTF_8)));
        collapser = (RepeatCollapser) ctx.getTurboFilterList().get(0);
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern("%-5level %logger - %msg%quietEx%n");
        enc.start();
        OutputStreamAppender<ILoggingEvent> app = new OutputStreamAppender<>();
        app.setContext(ctx);
        app.setEncoder(enc);
        app.setOutputStream(console);
        app.start();
        ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(app);
    }

    @AfterEach
    void stop() {
        LogMasking.verbose(false);
        ctx.stop();
    }

    private List<String> lines() {
        return console.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void fiftyTwoThousandPerRowWarningsBecomeOneLineAndOneCount() {
        Logger log = ctx.getLogger("io.soak.sink.sqlite");
        for (int i = 0; i < 52_000; i++) {
            log.warn("row {} of topic {} rejected: {}", i, "decision", "constraint failed");
        }
        collapser.flush();

        assertThat(lines()).hasSize(2);
        assertThat(lines().get(0)).isEqualTo("WARN  io.soak.sink.sqlite - row 0 of topic decision rejected: constraint failed");
        assertThat(lines().get(1)).matches("WARN  io\\.soak\\.sink\\.sqlite - row … of topic … rejected: … "
                + "\\(repeated 51999 more times in the last \\d+ s\\)");
    }

    @Test
    void aLibraryLoggingEveryFailureWithItsOwnTextIsCappedPerMinute() {
        Logger log = ctx.getLogger("com.influxdb.client.write.events");
        for (int i = 0; i < 1_266; i++) {
            log.warn("The retriable error occurred during writing of data. Retry in: " + (i * 7 % 5000) + " ms");
        }
        collapser.flush();

        List<String> l = lines();
        assertThat(l).hasSizeLessThanOrEqualTo(RepeatCollapser.DISTINCT_PER_LOGGER + 6);
        assertThat(l.get(l.size() - 1)).contains("further warns from com.influxdb.client.write.events (repeated 1261 more times");
    }

    @Test
    void aRepeatAfterTheWindowIsLoggedAgainWithTheCountOfTheClosedWindow() {
        collapser.windowNanos(1);
        Logger log = ctx.getLogger("x");
        log.warn("same");
        log.warn("same");
        assertThat(lines()).first().isEqualTo("WARN  x - same");
    }

    @Test
    void urlCredentialsAreMaskedInMessagesAndExceptions() {
        Logger log = ctx.getLogger("io.soak.export");
        log.warn("push to {} failed", "http://admin:p@ss/w0rd@127.0.0.1:bad/metrics",
                new IllegalArgumentException("bad URL http://admin:hunter2@127.0.0.1:99999"));

        String text = console.toString(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("p@ss").doesNotContain("w0rd").doesNotContain("hunter2")
                .contains("http://***@127.0.0.1:bad/metrics").contains("http://***@127.0.0.1:99999");
    }

    @Test
    void anExceptionIsOneLineWithoutVerboseAndAStackTraceWithIt() {
        Logger log = ctx.getLogger("io.soak.engine");
        log.error("manifest write failed", new java.io.UncheckedIOException(new IOException("No space left on device")));
        assertThat(lines()).containsExactly("ERROR io.soak.engine - manifest write failed (UncheckedIOException: "
                + "java.io.IOException: No space left on device; caused by IOException: No space left on device)");

        LogMasking.verbose(true);
        log.error("again", new IllegalStateException("x"));
        assertThat(lines().size()).isGreaterThan(3);
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("\tat ");
    }

    @Test
    void aFileErrorNamesThePathAndTheReason() {
        assertThat(FileErrors.describe(new AccessDeniedException("/runs/r1/run_manifest.json")))
                .isEqualTo("/runs/r1/run_manifest.json: permission denied");
        assertThat(FileErrors.describe(new FileSystemException("/runs/r1/signals.db", null, "No space left on device")))
                .isEqualTo("/runs/r1/signals.db: No space left on device");
        assertThat(Launcher.oneLine(new java.io.UncheckedIOException("writing the manifest",
                new AccessDeniedException("/runs/r1/run_manifest.json.tmp"))))
                .isEqualTo("writing the manifest: /runs/r1/run_manifest.json.tmp: permission denied");
    }

    @Test
    void theLaunchersErrorLineMasksCredentials() {
        StringWriter err = new StringWriter();
        Launcher l = new Launcher(Path.of("."), Map.of(), false);
        l.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "version");
        l.report(new IllegalStateException("cannot reach http://u:secret@127.0.0.1:1"), false);
        assertThat(err.toString()).contains("http://***@127.0.0.1:1").doesNotContain("secret");
    }

    @Test
    void aConfigKeyIsFoundAtItsLine(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("d.yaml");
        Files.writeString(f, "signal:\n  z:\n    window: 300  # z\nsinks:\n  batch_rows: 1\n  default: dual\n");
        assertThat(Defaults.lineOf(Files.readAllLines(f), "sinks.default")).isEqualTo(6);
        assertThat(Defaults.lineOf(Files.readAllLines(f), "signal.z.window")).isEqualTo(3);
    }

    @Test
    void temporaryFilesOfFailedWritesAreRemovedAfterTheRun(@TempDir Path dir) throws IOException {
        Path run = dir.resolve("r1");
        Files.createDirectories(run.resolve("reports"));
        Files.writeString(run.resolve("run_manifest.json"), "{}");
        Files.createFile(run.resolve("run_manifest.json.tmp"));
        Files.createFile(run.resolve("reports/summary_jsonl.json.tmp"));

        RunCommand.removeTemporaryFiles(run);

        assertThat(run.resolve("run_manifest.json")).exists();
        assertThat(run.resolve("run_manifest.json.tmp")).doesNotExist();
        assertThat(run.resolve("reports/summary_jsonl.json.tmp")).doesNotExist();
    }
}
