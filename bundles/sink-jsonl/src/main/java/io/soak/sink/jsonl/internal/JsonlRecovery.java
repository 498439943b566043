package io.soak.sink.jsonl.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Brings the files of a run back to the last commit when a sink is (re)opened.
 *
 * <p>Why: rows are buffered per file, so after a crash one file may hold rows 101–105 of a topic while
 * another lost 100–104 that were still in its buffer. Taking the highest seq found on disk as "already
 * written" would then skip 100–104 on redelivery. The committed watermark (written, after the data files
 * were fsynced, by every commit) is the only safe line: everything at or below it is durable, everything
 * above it is cut off here (it is redelivered by the engine, which never saw it acknowledged), including a
 * torn last line.
 */
final class JsonlRecovery {

    private static final int BLOCK = 8192;

    private JsonlRecovery() {
    }

    /** The committed watermark per topic; empty when the run never committed. */
    static Map<String, Long> readState(JsonFactory json, Path runDirectory) throws IOException {
        Path f = JsonlLayout.signals(runDirectory).resolve(JsonlLayout.STATE_FILE);
        Map<String, Long> out = new TreeMap<>();
        if (!Files.exists(f)) {
            return out;
        }
        try (JsonParser p = json.createParser(Files.readAllBytes(f))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object: " + f);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String topic = p.currentName();
                p.nextToken();
                out.put(topic, p.getLongValue());
            }
        }
        return out;
    }

    /**
     * Writes the watermark atomically: temp file, fsync, rename, fsync of {@code signals/}. A process crash leaves
     * the old or the new watermark; the directory's fsync makes the rename itself durable, so that after an OS
     * crash the previous watermark cannot come back (recovery would then cut rows a commit had acknowledged).
     */
    static void writeState(Disk disk, Path runDirectory, Map<String, Long> committed) throws IOException {
        Path dir = JsonlLayout.signals(runDirectory);
        Files.createDirectories(dir);
        StringBuilder sb = new StringBuilder("{");
        committed.forEach((k, v) -> {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('"').append(k.replace("\\", "\\\\").replace("\"", "\\\"")).append("\":").append(v);
        });
        sb.append("}\n");
        Path tmp = dir.resolve(JsonlLayout.STATE_FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            disk.forceFile(ch, tmp);
        }
        disk.replace(tmp, dir.resolve(JsonlLayout.STATE_FILE));
        disk.forceDirectory(dir);
    }

    /**
     * Every data file of a topic directory, sorted by path: the files of the current layout (in the topic's
     * directory) and those of runs written before (one directory per symbol below it).
     */
    static List<Path> files(Path topicDir) throws IOException {
        if (!Files.isDirectory(topicDir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(topicDir, 2)) {
            return s.filter(p -> p.getFileName().toString().endsWith(JsonlLayout.EXTENSION) && Files.isRegularFile(p))
                    .sorted().toList();
        }
    }

    /**
     * Cuts every file of the run back to its committed rows.
     *
     * @return the number of lines removed (rows above the watermark and torn lines)
     */
    static long truncateToCommitted(JsonFactory json, Path runDirectory, Map<String, Long> committed) throws IOException {
        Path signals = JsonlLayout.signals(runDirectory);
        if (!Files.isDirectory(signals)) {
            return 0;
        }
        long removed = 0;
        try (Stream<Path> topics = Files.list(signals)) {
            for (Path topicDir : topics.filter(Files::isDirectory).sorted().toList()) {
                long c = committed.getOrDefault(topicDir.getFileName().toString(), 0L);
                for (Path f : files(topicDir)) {
                    removed += truncateAbove(json, f, c);
                }
            }
        }
        return removed;
    }

    /** Removes the trailing lines of one file whose seq is above {@code committed}, or that are torn. */
    static long truncateAbove(JsonFactory json, Path file, long committed) throws IOException {
        long removed = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            long end = size;
            while (end > 0) {
                long start = lineStart(ch, end);
                byte[] bytes = read(ch, start, end);
                boolean complete = bytes.length > 0 && bytes[bytes.length - 1] == '\n';
                LineHeader h = complete
                        ? LineHeader.parse(json, new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8))
                        : null;
                if (h != null && h.seq() <= committed) {
                    break;
                }
                end = start;
                removed++;
            }
            if (end < size) {
                ch.truncate(end);
                ch.force(true);
            }
        }
        return removed;
    }

    /** Start offset of the last line of {@code [0, end)}; a newline at {@code end - 1} belongs to that line. */
    private static long lineStart(FileChannel ch, long end) throws IOException {
        long pos = end - 1; // skip the line's own terminator
        ByteBuffer buf = ByteBuffer.allocate(BLOCK);
        while (pos > 0) {
            long from = Math.max(0, pos - BLOCK);
            buf.clear().limit((int) (pos - from));
            ch.read(buf, from);
            for (int i = buf.position() - 1; i >= 0; i--) {
                if (buf.get(i) == '\n') {
                    return from + i + 1;
                }
            }
            pos = from;
        }
        return 0;
    }

    private static byte[] read(FileChannel ch, long start, long end) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) (end - start));
        long at = start;
        while (b.hasRemaining()) {
            int n = ch.read(b, at);
            if (n < 0) {
                break;
            }
            at += n;
        }
        return b.array();
    }
}
