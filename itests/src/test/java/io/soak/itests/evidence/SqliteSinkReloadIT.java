package io.soak.itests.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.soak.api.sink.Row;
import io.soak.api.sink.Sink;
import io.soak.api.sink.SinkContext;
import io.soak.api.sink.SinkFactory;
import io.soak.api.stage.Settings;
import io.soak.api.stage.StageMetrics;
import io.soak.api.time.Clock;
import io.soak.testing.SoakHost;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite sink's embedded JNI library inside Felix: the bundle works as installed, and again after a
 * hot update (a new class loader must load its own copy of the native library; a second System.load of the
 * same file from another class loader would fail with "already loaded in another classloader").
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SqliteSinkReloadIT {

    private static final String BSN = "io.soak.soak-sink-sqlite";

    @RegisterExtension
    final SoakHost host = SoakHost.builder().bundles("soak-sink-sqlite").await("sink", "sqlite")
            .hotPoll(Duration.ofMillis(200)).build();

    @TempDir
    Path work;

    @Test
    void sqliteSinkWritesAndReadsBackInsideFelixBeforeAndAfterAHotUpdate() throws Exception {
        SinkFactory before = host.registry().sink("sqlite").orElseThrow();
        assertThat(roundTrip(before, work.resolve("run-a"))).isEqualTo(500);

        host.dropIntoHot(withHeader(host.bundleJar("soak-sink-sqlite"), work.resolve("soak-sink-sqlite-hot.jar"),
                "Soak-Build", "reload-2"));
        await().atMost(Duration.ofSeconds(60)).until(() -> "reload-2".equals(host.bundleHeader(BSN, "Soak-Build"))
                && host.registry().sink("sqlite").filter(f -> f != before).isPresent());

        SinkFactory after = host.registry().sink("sqlite").orElseThrow();
        assertThat(after.getClass().getClassLoader()).isNotSameAs(before.getClass().getClassLoader());
        assertThat(roundTrip(after, work.resolve("run-b"))).isEqualTo(500);
        assertThat(host.bundleState(BSN)).isEqualTo("ACTIVE");
    }

    /** Writes 500 rows (100 of them twice), commits, closes, reads back; returns the rows read. */
    private static long roundTrip(SinkFactory f, Path dir) throws Exception {
        Sink sink = f.open(context(dir));
        List<Row> rows = new ArrayList<>();
        for (long s = 1; s <= 500; s++) {
            rows.add(new Row("run", "decision", s, 1_723_161_255_000L + s, "BTCUSDT",
                    "{\"run_id\":\"run\",\"topic\":\"decision\",\"seq\":" + s + ",\"confirm\":true,\"signal_type\":\"buy\",\"strong\":false}"));
        }
        sink.write(rows);
        sink.write(rows.subList(400, 500));
        sink.commit();
        sink.close();
        try (Stream<Row> back = f.readBack(dir)) {
            return back.map(Row::seq).distinct().count();
        }
    }

    private static SinkContext context(Path dir) {
        return new SinkContext() {
            @Override
            public String runId() {
                return "run";
            }

            @Override
            public Path runDirectory() {
                return dir;
            }

            @Override
            public Settings config() {
                return Settings.empty();
            }

            @Override
            public Clock clock() {
                return () -> 1_723_161_255_000L * 1_000_000L;
            }

            @Override
            public StageMetrics metrics() {
                return new StageMetrics() {
                    @Override
                    public void add(String name, long delta) {
                    }

                    @Override
                    public long counter(String name) {
                        return 0;
                    }

                    @Override
                    public void gauge(String name, double value) {
                    }

                    @Override
                    public void fact(String name, Object value) {
                    }
                };
            }
        };
    }

    private static Path withHeader(Path jar, Path out, String header, String value) throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest mf = new Manifest(in.getManifest());
            mf.getMainAttributes().put(new Attributes.Name(header), value);
            try (OutputStream os = Files.newOutputStream(out); JarOutputStream jos = new JarOutputStream(os, mf)) {
                JarEntry e;
                while ((e = in.getNextJarEntry()) != null) {
                    jos.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(jos);
                    jos.closeEntry();
                }
            }
        }
        return out;
    }
}
