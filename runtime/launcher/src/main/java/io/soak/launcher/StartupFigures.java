package io.soak.launcher;

import io.soak.engine.RunExtension;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the time from JVM start to the first handled market event goes, as the manifest's {@code startup}
 * section (milliseconds; {@code *_at_ms} are since the JVM started, the others durations):
 * {@code main_at_ms} (JVM → {@code main}), {@code scenario_classes} ({@code compiled}, {@code disk}: the class
 * cache, {@code memory}), {@code scenario_compile_ms}, {@code scenario_eval_ms}, {@code scenario_loaded_at_ms},
 * {@code host_start_ms} (Felix and every bundle, on its own thread while the scenario loads),
 * {@code host_started_at_ms}, {@code host_wait_ms} (how long the run waited for the host after the scenario was
 * loaded), {@code run_started_at_ms} (the engine is handed the plan) and {@code first_event_ms} (since the JVM
 * started, a stage handled its first event: the figure the goal of 2 s is about) with {@code first_event_cpu_ms},
 * the CPU time the process had used by then (all threads: on a busy machine the steadier figure), and
 * {@code class_data_archive} (what {@code bin/soak} did with the class-data archive).
 */
final class StartupFigures implements RunExtension {

    /**
     * What {@code bin/soak} did with the class-data archive (DIST.md, "bin/soak"): {@code used} (the JVM was given
     * it), {@code writing} (this run writes it as it exits), {@code off} ({@code SOAK_CDS=off}), {@code none}.
     */
    static final String CDS_PROPERTY = "soak.cds";
    /** The archive this run writes as it exits, when it does. */
    static final String CDS_PART_PROPERTY = "soak.cds.part";

    private static volatile long mainAtEpochMillis;
    private final Map<String, Object> figures = new LinkedHashMap<>();

    /** Called first thing in {@code main}. */
    static void mainEntered() {
        mainAtEpochMillis = System.currentTimeMillis();
    }

    static long jvmStartEpochMillis() {
        return ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    /** Milliseconds from the JVM start to {@code epochMillis}. */
    static long sinceJvmStart(long epochMillis) {
        return epochMillis - jvmStartEpochMillis();
    }

    StartupFigures() {
        if (mainAtEpochMillis > 0) {
            figures.put("main_at_ms", sinceJvmStart(mainAtEpochMillis));
        }
        figures.put("class_data_archive", System.getProperty(CDS_PROPERTY, "none"));
    }

    /**
     * The run handled its first event: the archive its JVM writes at exit holds the classes of a whole start, and
     * {@code bin/soak} may keep it (it keeps none from a run that failed before, which loaded only a part of them).
     */
    static void firstEventReached() {
        String part = System.getProperty(CDS_PART_PROPERTY);
        if (part == null || part.isBlank()) {
            return;
        }
        try {
            java.nio.file.Files.writeString(java.nio.file.Path.of(part + ".ok"), "first event\n");
        } catch (java.io.IOException | RuntimeException e) {
            // a cache: without the mark the archive is not kept and the next run writes another
        }
    }

    /** CPU time of the whole process so far (all threads, JIT and GC included), or -1. */
    static long processCpuMillis() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long ns = os.getProcessCpuTime();
            return ns < 0 ? -1 : ns / 1_000_000;
        }
        return -1;
    }

    synchronized void put(String key, Object value) {
        figures.put(key, value);
    }

    synchronized Object get(String key) {
        return figures.get(key);
    }

    @Override
    public String name() {
        return "startup";
    }

    @Override
    public synchronized Map<String, Object> manifestSections() {
        return Map.of("startup", new LinkedHashMap<>(figures));
    }
}
