package io.soak.launcher;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * CPU time per Java thread over one measured run of {@code soak bench} ({@link ThreadMXBean}). Threads come and
 * go during a run (stage runners, sink writers, the replay reader), and a dead thread's CPU time can no longer be
 * read, so a sampler thread reads every live thread's CPU time every {@code periodMs} and keeps the last value
 * seen per thread; a thread that ends between two samples loses at most one period. Threads are grouped by name
 * with a trailing instance number dropped ({@code soak-stage-signal-2} → {@code soak-stage-signal}). What the
 * process used beyond its Java threads (GC, JIT compiler, VM) is shown as {@code jvm (gc, jit, vm)}.
 */
final class ThreadCpu implements AutoCloseable {

    /** One group of threads: CPU seconds and the share of the wall time (1.0 = one core busy all along). */
    record Usage(String name, double cpuS, double ofWall) {
    }

    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final long periodMs;
    private final Map<Long, Long> start = new HashMap<>();
    private final Map<Long, Long> last = new HashMap<>();
    private final Map<Long, String> names = new HashMap<>();
    private final Thread sampler;
    private volatile boolean stopped;
    private final long wall0 = System.nanoTime();
    private final long process0 = BenchCommand.processCpuNanos();
    private final boolean supported;

    ThreadCpu(long periodMs) {
        this.periodMs = Math.max(10, periodMs);
        this.supported = mx.isThreadCpuTimeSupported();
        if (supported && !mx.isThreadCpuTimeEnabled()) {
            mx.setThreadCpuTimeEnabled(true);
        }
        synchronized (this) {
            sample(true);
        }
        sampler = new Thread(this::loop, "soak-bench-cpu-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void loop() {
        while (!stopped) {
            try {
                TimeUnit.MILLISECONDS.sleep(periodMs);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                sample(false);
            }
        }
    }

    private void sample(boolean first) {
        if (!supported) {
            return;
        }
        long[] ids = mx.getAllThreadIds();
        ThreadInfo[] infos = mx.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            long cpu = mx.getThreadCpuTime(ids[i]);
            if (cpu < 0 || infos[i] == null) {
                continue;
            }
            names.putIfAbsent(ids[i], infos[i].getThreadName());
            if (first) {
                start.put(ids[i], cpu);
            } else {
                start.putIfAbsent(ids[i], 0L); // born during the run
            }
            last.put(ids[i], cpu);
        }
    }

    /** Stops sampling (after a last sample) and returns the groups, most CPU first; the sampler's own CPU excluded. */
    synchronized List<Usage> stop() {
        stopped = true;
        sample(false);
        sampler.interrupt();
        double wallS = (System.nanoTime() - wall0) / 1e9;
        Map<String, Long> byGroup = new TreeMap<>();
        long javaTotal = 0;
        for (Map.Entry<Long, Long> e : last.entrySet()) {
            String name = names.get(e.getKey());
            long used = e.getValue() - start.getOrDefault(e.getKey(), 0L);
            if (used <= 0) {
                continue;
            }
            javaTotal += used;
            if (name.equals(sampler.getName())) {
                continue;
            }
            byGroup.merge(group(name), used, Long::sum);
        }
        List<Usage> out = new ArrayList<>();
        byGroup.forEach((n, ns) -> out.add(new Usage(n, ns / 1e9, wallS <= 0 ? 0 : ns / 1e9 / wallS)));
        long process = BenchCommand.processCpuNanos();
        if (process0 >= 0 && process >= 0) {
            long other = (process - process0) - javaTotal;
            if (other > 0) {
                out.add(new Usage("jvm (gc, jit, vm)", other / 1e9, wallS <= 0 ? 0 : other / 1e9 / wallS));
            }
        }
        out.sort((a, b) -> Double.compare(b.cpuS(), a.cpuS()));
        return out;
    }

    @Override
    public void close() {
        stopped = true;
        sampler.interrupt();
    }

    /** The thread's name without a trailing instance number ({@code -2}, {@code #3}). */
    static String group(String name) {
        return name.replaceAll("[-#]\\d+$", "");
    }

    /**
     * One line: the groups above {@code minShare} of the wall time, e.g.
     * {@code main 11.20 s (0.95 core), soak-replay-reader 3.10 s (0.26 core), jvm (gc, jit, vm) 0.90 s (0.08 core)}.
     */
    static String line(List<Usage> usage, double minShare) {
        StringBuilder b = new StringBuilder();
        double rest = 0;
        for (Usage u : usage) {
            if (u.ofWall() < minShare) {
                rest += u.cpuS();
                continue;
            }
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(String.format(Locale.ROOT, "%s %.2f s (%.2f core)", u.name(), u.cpuS(), u.ofWall()));
        }
        if (rest > 0) {
            b.append(String.format(Locale.ROOT, ", others %.2f s", rest));
        }
        return b.toString();
    }

    /** The machine's load averages (1, 5, 15 min) from /proc/loadavg, or "n/a". */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "n/a";
        }
    }

    /** For the tests and the manifest-like summary: name → cpu seconds. */
    static Map<String, Double> asMap(List<Usage> usage) {
        Map<String, Double> m = new LinkedHashMap<>();
        usage.forEach(u -> m.put(u.name(), u.cpuS()));
        return m;
    }
}
