package io.soak.engine.internal;

import io.soak.api.capture.CaptureReader;
import io.soak.api.source.RawMessage;
import io.soak.api.source.ReplayFeed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The built-in {@code capture} replay: merges capture files (one per symbol and day) by local receive time,
 * so the replay sees the messages in the order they arrived. Ties keep the files' order.
 */
final class CaptureReplayFeed implements ReplayFeed {

    private record Head(RawMessage message, int file) {
    }

    private final List<Path> files = new ArrayList<>();
    private final List<CaptureReader> readers = new ArrayList<>();
    private final PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> {
        int c = Long.compare(a.message.receivedNanos(), b.message.receivedNanos());
        return c != 0 ? c : Integer.compare(a.file, b.file);
    });
    private long delivered;

    CaptureReplayFeed(List<String> paths) throws IOException {
        if (paths.isEmpty()) {
            throw new IOException("capture replay needs at least one file");
        }
        for (String p : paths) {
            Path f = Path.of(p);
            if (!Files.isRegularFile(f)) {
                throw new IOException("capture file not found: " + f.toAbsolutePath());
            }
            files.add(f);
            CaptureReader r = new CaptureReader(f);
            readers.add(r);
            RawMessage m = r.next();
            if (m != null) {
                heads.add(new Head(m, readers.size() - 1));
            }
        }
    }

    @Override
    public RawMessage next() throws IOException {
        Head h = heads.poll();
        if (h == null) {
            return null;
        }
        RawMessage following = readers.get(h.file).next();
        if (following != null) {
            heads.add(new Head(following, h.file));
        }
        delivered++;
        return h.message;
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Map<String, Object>> fs = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("file", files.get(i).toString());
            f.put("lines_read", readers.get(i).linesRead());
            f.put("malformed_lines", readers.get(i).malformedLines());
            fs.add(f);
        }
        m.put("files", fs);
        m.put("messages", delivered);
        return m;
    }

    @Override
    public void close() throws IOException {
        for (CaptureReader r : readers) {
            r.close();
        }
    }
}
