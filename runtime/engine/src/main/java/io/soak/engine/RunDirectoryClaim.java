package io.soak.engine;

import io.soak.api.run.RunDirectory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One run, one directory: a run claims its directory before it writes anything. The directory must not exist
 * yet (it is created atomically), unless the caller asked to replace it; in both cases the claim holds an
 * exclusive lock on {@link RunDirectory#LOCK} for the whole run, so a second process (or a second run in the
 * same JVM) cannot use the directory at the same time. Replacing deletes the old contents only after the lock
 * is held. {@link #close()} releases the lock (the file stays: it records who ran there last).
 */
public final class RunDirectoryClaim implements AutoCloseable {

    /** The directory cannot be claimed; the message is one line for the user (the launcher exits 2). */
    public static final class RefusedException extends RuntimeException {
        public RefusedException(String message) {
            super(message);
        }
    }

    private final RunDirectory directory;
    private final FileChannel channel;
    private final FileLock lock;

    private RunDirectoryClaim(RunDirectory directory, FileChannel channel, FileLock lock) {
        this.directory = directory;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Fails fast, without creating anything, when the directory exists and {@code replace} is false (the
     * launcher's check before it boots the host). {@link #claim} decides for good.
     */
    public static void checkAvailable(RunDirectory dir, boolean replace) {
        if (!replace && Files.exists(dir.root())) {
            throw exists(dir);
        }
    }

    /**
     * Creates and locks the directory, or locks and empties an existing one when {@code replace} is set.
     *
     * @throws RefusedException when the directory exists (and {@code replace} is false) or another run holds it
     * @throws IOException      when the file system refuses
     */
    public static RunDirectoryClaim claim(RunDirectory dir, boolean replace) throws IOException {
        Path root = dir.root();
        Path parent = root.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        boolean fresh;
        try {
            Files.createDirectory(root);
            fresh = true;
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(root)) {
                throw new RefusedException("the run directory " + root + " exists and is not a directory");
            }
            if (!replace) {
                throw exists(dir);
            }
            fresh = false;
        }
        FileChannel ch = FileChannel.open(dir.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            String holder = holder(dir.lockFile());
            ch.close();
            throw new RefusedException("the run directory " + root + " is in use by another run"
                    + (holder.isEmpty() ? "" : " (" + holder + ")") + ": choose another --run-id");
        }
        try {
            if (!fresh) {
                empty(root, dir.lockFile());
            }
            String who = "pid " + ProcessHandle.current().pid() + " since " + Instant.now();
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((who + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            lock.release();
            ch.close();
            throw e;
        }
        return new RunDirectoryClaim(dir, ch, lock);
    }

    private static RefusedException exists(RunDirectory dir) {
        return new RefusedException("the run directory " + dir.root() + " already exists: choose another --run-id,"
                + " or pass --replace to overwrite it");
    }

    private static String holder(Path lockFile) {
        try {
            return Files.readString(lockFile, StandardCharsets.UTF_8).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static void empty(Path root, Path keep) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path p : entries) {
                if (p.getFileName().equals(keep.getFileName())) {
                    continue;
                }
                try (Stream<Path> walk = Files.walk(p)) {
                    for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(q);
                    }
                }
            }
        }
    }

    public RunDirectory directory() {
        return directory;
    }

    /** True while this claim holds the lock. */
    public boolean held() {
        return lock.isValid();
    }

    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            channel.close();
        } catch (IOException e) {
            // the lock goes with the channel (or the process) anyway
        }
    }
}
