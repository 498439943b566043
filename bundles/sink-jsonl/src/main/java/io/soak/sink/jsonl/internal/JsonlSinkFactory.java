package io.soak.sink.jsonl.internal;

import com.fasterxml.jackson.core.JsonFactory;
import io.soak.api.sink.Row;
import io.soak.api.sink.Sink;
import io.soak.api.sink.SinkContext;
import io.soak.api.sink.SinkFactory;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.osgi.service.component.annotations.Component;

/** Publishes the {@code jsonl} sink type; every run gets its own {@link JsonlSink}. */
@Component(service = SinkFactory.class)
public final class JsonlSinkFactory implements SinkFactory {

    public static final String TYPE = "jsonl";

    private final JsonFactory json = new JsonFactory();
    private final Disk disk;
    /** The live sink per run directory: a reopen after a crash aborts the old instance first. */
    private final java.util.Map<Path, JsonlSink> live = new java.util.concurrent.ConcurrentHashMap<>();

    public JsonlSinkFactory() {
        this(new Disk());
    }

    /** With the durability calls of {@code disk} (a test records their order). */
    JsonlSinkFactory(Disk disk) {
        this.disk = disk;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Sink open(SinkContext context) throws Exception {
        Path key = context.runDirectory().toAbsolutePath().normalize();
        JsonlSink previous = live.remove(key);
        if (previous != null) {
            previous.abort();
        }
        JsonlSink sink = JsonlSink.open(context, json, disk);
        live.put(key, sink);
        return sink;
    }

    @Override
    public Stream<Row> readBack(Path runDirectory) throws Exception {
        return JsonlReader.readBack(json, runDirectory);
    }
}
