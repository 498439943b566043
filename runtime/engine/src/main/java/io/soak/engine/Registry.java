package io.soak.engine;

import io.soak.api.export.ExporterFactory;
import io.soak.api.sink.SinkFactory;
import io.soak.api.source.FeedSourceFactory;
import io.soak.api.source.ReplayFeedFactory;
import io.soak.api.stage.StageFactory;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The factories the engine can use, by kind or type. The launcher fills it from OSGi services (a bundle
 * that goes away removes its factories; a new version adds them again), tests fill it directly.
 * Thread-safe. Listeners hear about every change (the engine uses it to see a stage's bundle vanish).
 */
public final class Registry {

    /** What changed: a factory added or removed, of which category and key. */
    public record Change(String category, String key, boolean added, Object factory) {
    }

    public static final String STAGE = "stage";
    public static final String SINK = "sink";
    public static final String EXPORTER = "exporter";
    public static final String FEED = "feed";
    public static final String REPLAY = "replay";
    public static final String EMULATOR = "emulator";

    private final Map<String, Map<String, Object>> byCategory = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();

    public void addStage(StageFactory f) {
        put(STAGE, f.kind(), f);
    }

    public void removeStage(StageFactory f) {
        removeEntry(STAGE, f.kind(), f);
    }

    public void addSink(SinkFactory f) {
        put(SINK, f.type(), f);
    }

    public void removeSink(SinkFactory f) {
        removeEntry(SINK, f.type(), f);
    }

    public void addExporter(ExporterFactory f) {
        put(EXPORTER, f.type(), f);
    }

    public void removeExporter(ExporterFactory f) {
        removeEntry(EXPORTER, f.type(), f);
    }

    public void addFeed(FeedSourceFactory f) {
        put(FEED, f.type(), f);
    }

    public void removeFeed(FeedSourceFactory f) {
        removeEntry(FEED, f.type(), f);
    }

    public void addReplay(ReplayFeedFactory f) {
        put(REPLAY, f.type(), f);
    }

    public void removeReplay(ReplayFeedFactory f) {
        removeEntry(REPLAY, f.type(), f);
    }

    public Optional<StageFactory> stage(String kind) {
        return get(STAGE, kind, StageFactory.class);
    }

    public Optional<SinkFactory> sink(String type) {
        return get(SINK, type, SinkFactory.class);
    }

    public Optional<ExporterFactory> exporter(String type) {
        return get(EXPORTER, type, ExporterFactory.class);
    }

    public Optional<FeedSourceFactory> feed(String type) {
        return get(FEED, type, FeedSourceFactory.class);
    }

    public Optional<ReplayFeedFactory> replay(String type) {
        return get(REPLAY, type, ReplayFeedFactory.class);
    }

    public void addEmulator(io.soak.api.source.FeedEmulatorFactory f) {
        put(EMULATOR, f.type(), f);
    }

    public void removeEmulator(io.soak.api.source.FeedEmulatorFactory f) {
        removeEntry(EMULATOR, f.type(), f);
    }

    public Optional<io.soak.api.source.FeedEmulatorFactory> emulator(String type) {
        return get(EMULATOR, type, io.soak.api.source.FeedEmulatorFactory.class);
    }

    /** Adds a factory of a category this class has no typed method for (extensions' own services). */
    public void add(String category, String key, Object factory) {
        put(category, key, factory);
    }

    /** Removes a factory added with {@link #add}. */
    public void remove(String category, String key, Object factory) {
        removeEntry(category, key, factory);
    }

    /** A factory of any category. */
    public <T> Optional<T> find(String category, String key, Class<T> type) {
        return get(category, key, type);
    }

    /** Keys known in a category, sorted. */
    public java.util.SortedSet<String> keys(String category) {
        return new java.util.TreeSet<>(byCategory.getOrDefault(category, Map.of()).keySet());
    }

    public void addListener(Consumer<Change> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<Change> listener) {
        listeners.remove(listener);
    }

    private void put(String category, String key, Object factory) {
        byCategory.computeIfAbsent(category, c -> new ConcurrentHashMap<>()).put(key, factory);
        listeners.forEach(l -> l.accept(new Change(category, key, true, factory)));
    }

    private void removeEntry(String category, String key, Object factory) {
        Map<String, Object> m = byCategory.get(category);
        if (m != null && m.remove(key, factory)) {
            listeners.forEach(l -> l.accept(new Change(category, key, false, factory)));
        }
    }

    private <T> Optional<T> get(String category, String key, Class<T> type) {
        return Optional.ofNullable(byCategory.getOrDefault(category, Map.of()).get(key)).map(type::cast);
    }
}
