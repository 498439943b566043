package io.soak.itests.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.launcher.Launcher;
import io.soak.testing.SoakHost;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.html opened in a real headless Chromium: a run of the whole pipeline (synthetic market at max pace,
 * dual sinks, file export, alerts, the signal stage killed at minute 4), then the page must load with no
 * console error and no network request, and its charts must hold the run's data: as many plotted minutes as
 * the run closed, one line per symbol, the health lanes of the four stages with the fault marked. The same
 * checks on a page that fetches something and throws show they can fail. {@code soak report} regenerates
 * the page from the artifacts.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ReportInBrowserIT {

    @TempDir
    Path dir;

    private final Path home = Path.of(System.getProperty(SoakHost.HOME_PROPERTY, "target/soak-home"));
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void reportLoadsOfflineWithoutErrorsAndPlotsEveryMinuteOfTheRun() throws Exception {
        assumeTrue(HeadlessChromium.binary() != null, "chromium is not installed (scripts/test.sh installs it)");
        Path scenario = dir.resolve("browser.groovy");
        Files.writeString(scenario, """
                soak {
                  name 'report-in-browser'
                  mode 'replay'
                  pace 'max'
                  seed 11
                  duration 8.minutes
                  source {
                    type 'synthetic'
                    symbols 'BTCUSDT', 'ETHUSDT', 'SOLUSDT'
                    streams 'aggTrade', 'bookTicker', 'depth5@100ms'
                  }
                  stages 'harvest', 'signal', 'broker', 'report'
                  sink 'dual'
                  health { interval 10.seconds }
                  timeseries { type 'file' }
                  alerts { standard() }
                  faults { at 4.minutes, kill: 'signal' }
                  expect {
                    restartWithin 'signal', seconds: 12
                  }
                }
                """);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path runs = dir.resolve("runs");
        int code = new Launcher(home, Map.of(), false).execute(new PrintWriter(out), new PrintWriter(err), "run",
                scenario.toString(), "--runs-dir", runs.toString(), "--run-id", "browser-1", "--progress", "log");
        assertThat(code).as(out + "\n" + err).isZero();
        // the end-of-run summary: criteria with observed values, key figures, where the evidence is
        assertThat(out.toString()).contains("✓ signal_restarted").contains("decisions ...").contains("parity ...")
                .contains("evidence: ").contains("report.html");
        Path runDir = runs.resolve("browser-1");
        Map<?, ?> m = json.readValue(runDir.resolve("run_manifest.json").toFile(), Map.class);
        int closed = ((Number) ((Map<?, ?>) m.get("minutes")).get("closed")).intValue();
        // 8 minutes of engine time; the synthetic market starts inside a minute, so 8 or 9 minute buckets close
        assertThat(closed).isBetween(8, 9);
        // no terminal: one progress line per closed minute in the log, with the live figures
        List<String> progress = Files.readAllLines(runDir.resolve("logs/soak.log")).stream()
                .filter(l -> l.contains("progress: engine")).toList();
        assertThat(progress).hasSize(closed);
        assertThat(progress.get(closed - 1)).contains("minute " + closed + "/8").contains("msg/s").contains("decisions")
                .contains("alerts 0 firing").contains("0 failed").contains("reconnects 0").contains("restarts 1");

        // regenerated from the artifacts alone (the final manifest, the timeline)
        Files.delete(runDir.resolve("report.html"));
        assertThat(new Launcher(home, Map.of(), false).execute(new PrintWriter(out), new PrintWriter(err), "report",
                runDir.toString())).isZero();
        assertThat(Files.readString(runDir.resolve("report.html"))).contains("data-chart=\"decisions\" data-points=\"" + closed + "\"");

        try (HeadlessChromium chrome = HeadlessChromium.start()) {
            HeadlessChromium.PageLog log = chrome.open(runDir.resolve("report.html"), Duration.ofSeconds(60));
            assertThat(log.consoleErrors()).as("console errors").isEmpty();
            assertThat(log.requests()).as("network requests").isEmpty();
            assertThat(((Number) chrome.eval("Number(document.body.dataset.ready)")).intValue()).isGreaterThanOrEqualTo(8);
            assertThat(chrome.eval("document.title")).asString().contains("browser-1").contains("PASS");
            for (String chart : List.of("decisions", "confirmed", "strong_ratio", "lag")) {
                assertThat(((Number) chrome.eval("Number(document.querySelector('svg[data-chart=\"" + chart
                        + "\"]').dataset.points)")).intValue()).as(chart + " plotted minutes").isEqualTo(closed);
            }
            // one line per symbol, every minute a point on it
            assertThat(chrome.eval("Array.from(document.querySelectorAll('svg[data-chart=\"decisions\"] polyline.series'))"
                    + ".map(p => p.dataset.name).join(',')")).isEqualTo("BTCUSDT,ETHUSDT,SOLUSDT");
            assertThat(((Number) chrome.eval("document.querySelectorAll('svg[data-chart=\"decisions\"] circle').length")).intValue())
                    .isEqualTo(3 * closed);
            assertThat(((Number) chrome.eval("Number(document.querySelector('svg[data-chart=\"health\"]').dataset.lanes)")).intValue())
                    .isEqualTo(4);
            assertThat(chrome.eval("Array.from(document.querySelectorAll('svg[data-chart=\"health\"] line.marker title'))"
                    + ".map(t => t.textContent).join('|')")).asString().contains("kill signal").contains("restart signal");
            assertThat(((Number) chrome.eval("document.querySelectorAll('table.verdict tr.ok').length")).intValue())
                    .isEqualTo(((List<?>) ((Map<?, ?>) m.get("verdict")).get("criteria")).size());
            for (String chart : List.of("alerts", "exports", "rss", "files_threads")) {
                assertThat(chrome.eval("document.querySelector('svg[data-chart=\"" + chart + "\"]') !== null")).as(chart).isEqualTo(true);
            }
            Path shot = dir.resolve("report.png");
            chrome.screenshot(shot, 1000);
            assertThat(Files.size(shot)).isGreaterThan(10_000);
        }
    }

    @Test
    void theBrowserChecksSeeAFetchAndAnError() throws Exception {
        assumeTrue(HeadlessChromium.binary() != null, "chromium is not installed (scripts/test.sh installs it)");
        Path page = dir.resolve("bad.html");
        Files.writeString(page, "<!DOCTYPE html><html><head><title>bad</title></head><body>"
                + "<img src=\"http://127.0.0.1:9/none.png\"><script>console.error('boom'); undefinedFunction();</script></body></html>");
        try (HeadlessChromium chrome = HeadlessChromium.start()) {
            HeadlessChromium.PageLog log = chrome.open(page, Duration.ofSeconds(60));
            assertThat(log.requests()).contains("http://127.0.0.1:9/none.png");
            assertThat(log.consoleErrors()).anySatisfy(e -> assertThat(e).contains("boom"))
                    .anySatisfy(e -> assertThat(e).contains("undefinedFunction"));
        }
    }
}
