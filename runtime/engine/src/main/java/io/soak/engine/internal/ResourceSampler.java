package io.soak.engine.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Samples this process's RSS (and kernel peak), open file descriptors and threads from /proc. */
final class ResourceSampler {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path FD = Path.of("/proc/self/fd");

    double rssMb;
    double maxRssMb;
    int openFiles;
    int maxOpenFiles;
    int threads;
    int maxThreads;
    long samples;

    void sample() {
        samples++;
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    rssMb = kb(line) / 1024.0;
                } else if (line.startsWith("VmHWM:")) {
                    maxRssMb = Math.max(maxRssMb, kb(line) / 1024.0);
                } else if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.substring(8).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall back to the JVM's own view
            threads = Thread.activeCount();
            Runtime r = Runtime.getRuntime();
            rssMb = (r.totalMemory() - r.freeMemory()) / (1024.0 * 1024.0);
        }
        maxRssMb = Math.max(maxRssMb, rssMb);
        maxThreads = Math.max(maxThreads, threads);
        int fds = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(FD)) {
            for (Path ignored : ds) {
                fds++;
            }
            fds--; // the directory stream's own descriptor
        } catch (IOException e) {
            fds = -1;
        }
        openFiles = fds;
        maxOpenFiles = Math.max(maxOpenFiles, fds);
    }

    private static double kb(String line) {
        String[] p = line.trim().split("\\s+");
        return Double.parseDouble(p[1]);
    }

    static double round1(double v) {
        return Math.round(v * 10.0) / 10.0;
    }
}
