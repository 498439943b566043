package io.soak.sink.jsonl.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The durability calls of the JSONL sink, in one place: the commit protocol is their order (data files forced,
 * new directory entries forced, the watermark's temp file forced, renamed over the watermark, its directory
 * forced). Real calls only; a test subclass records the order and delegates to these.
 */
class Disk {

    /** fdatasync: the file's bytes (and its size), not its times. */
    void forceData(FileChannel channel, Path file) throws IOException {
        channel.force(false);
    }

    /** fsync of a whole file (the watermark's temp file). */
    void forceFile(FileChannel channel, Path file) throws IOException {
        channel.force(true);
    }

    /** Atomic rename over {@code target}: a crash leaves the old or the new file. */
    void replace(Path from, Path target) throws IOException {
        Files.move(from, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * fsync of a directory, making its entries durable (a rename, a new file): without it an OS crash (not a
     * process crash) may bring back the previous watermark, or lose a new file whose rows the watermark covers.
     * Linux allows opening a directory read-only and forcing it.
     */
    void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
