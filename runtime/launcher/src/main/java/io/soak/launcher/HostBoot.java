package io.soak.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The Felix host booting on a thread of its own while the caller does something else (loading the
 * scenario). {@link #await()} hands over the started host; {@link #discard()} waits for it and closes it when
 * the run will not happen after all, so an invalid scenario leaves no framework or storage directory behind.
 */
final class HostBoot {

    private final CompletableFuture<FelixHost> host;
    /** Directories the boot creates for the hot dir (outermost first), removed again by {@link #discard()} when empty. */
    private final java.util.List<Path> created;

    private HostBoot(CompletableFuture<FelixHost> host, java.util.List<Path> created) {
        this.host = host;
        this.created = created;
    }

    static HostBoot begin(Path home) throws IOException {
        return begin(home, null);
    }

    /** As {@link #begin(Path)}, FileInstall watching {@code hotDir} instead of the install's {@code hot/} (when not null). */
    static HostBoot begin(Path home, Path hotDir) throws IOException {
        Path storage = Files.createTempDirectory("soak-felix-");
        java.util.List<Path> created = new java.util.ArrayList<>();
        for (Path p = hotDir == null ? null : hotDir.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
            created.add(0, p);
        }
        HostConfig fromHome = HostConfig.fromHome(home, storage);
        HostConfig config = hotDir == null ? fromHome : fromHome.withHotDir(hotDir);
        CompletableFuture<FelixHost> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(FelixHost.start(config));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "soak-host-boot");
        t.setDaemon(true);
        t.start();
        return new HostBoot(f, created);
    }

    /** The started host; rethrows what its start threw. */
    FelixHost await() throws Exception {
        try {
            return host.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw new CompletionException(cause);
        } catch (InterruptedException e) {
            discard();
            Thread.currentThread().interrupt();
            throw e;
        }
    }

    /** Waits for the boot to end and closes the host, so nothing of it outlives the command. */
    void discard() {
        try {
            host.get().close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            host.thenAccept(FelixHost::close);
        } catch (ExecutionException e) {
            // it never started: nothing to close
        }
        // a run that never started leaves no directory behind (its hot dir, and the runs dir it may have made)
        for (int i = created.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(created.get(i));
            } catch (IOException e) {
                break; // not empty: something else is in it
            }
        }
    }
}
