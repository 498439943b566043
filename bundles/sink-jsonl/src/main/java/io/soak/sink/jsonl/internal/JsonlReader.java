package io.soak.sink.jsonl.internal;

import com.fasterxml.jackson.core.JsonFactory;
import io.soak.api.sink.Row;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Reads a run's JSONL files back as rows ordered by (topic, seq), lazily: within a file lines are in seq
 * order (a topic's rows arrive in seq order and are appended), so a k-way merge of a topic's files gives
 * the topic's order with one line per file in memory. Duplicated or torn lines are passed through as
 * found (a torn line becomes a row with seq -1 at the start of its topic) so that verification can point
 * at them; the sink itself never leaves either behind.
 *
 * <p>Both layouts are read (see {@link JsonlLayout}): the current one, one file per topic and hour, takes each
 * row's symbol from the row's {@code symbol} field; that of runs written before, one directory per symbol,
 * takes it from the directory's name, as it always did. A topic's files of both layouts merge by seq alike.
 */
final class JsonlReader {

    private JsonlReader() {
    }

    static Stream<Row> readBack(JsonFactory json, Path runDirectory) throws IOException {
        Path signals = JsonlLayout.signals(runDirectory);
        if (!Files.isDirectory(signals)) {
            return Stream.empty();
        }
        List<Path> topics;
        try (Stream<Path> s = Files.list(signals)) {
            topics = s.filter(Files::isDirectory).sorted((a, b) -> a.getFileName().toString()
                    .compareTo(b.getFileName().toString())).toList();
        }
        List<Cursor> all = new ArrayList<>();
        Iterator<Path> topicIt = topics.iterator();
        Iterator<Row> rows = new Iterator<>() {
            Iterator<Row> current = java.util.Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext()) {
                    if (!topicIt.hasNext()) {
                        return false;
                    }
                    Path t = topicIt.next();
                    try {
                        current = merge(json, t, all);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(rows, Spliterator.ORDERED | Spliterator.NONNULL),
                false).onClose(() -> all.forEach(Cursor::closeQuietly));
    }

    private static Iterator<Row> merge(JsonFactory json, Path topicDir, List<Cursor> opened) throws IOException {
        String topic = topicDir.getFileName().toString();
        PriorityQueue<Cursor> heap = new PriorityQueue<>((a, b) -> {
            int c = Long.compare(a.head.seq(), b.head.seq());
            return c != 0 ? c : a.path.compareTo(b.path);
        });
        for (Path f : JsonlRecovery.files(topicDir)) {
            Cursor c = new Cursor(json, topic, f, JsonlLayout.legacySymbol(topicDir, f));
            opened.add(c);
            if (c.advance()) {
                heap.add(c);
            } else {
                c.closeQuietly();
            }
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return !heap.isEmpty();
            }

            @Override
            public Row next() {
                Cursor c = heap.poll();
                if (c == null) {
                    throw new NoSuchElementException();
                }
                Row r = c.head;
                try {
                    if (c.advance()) {
                        heap.add(c);
                    } else {
                        c.closeQuietly();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return r;
            }
        };
    }

    /** One file being read: its current row. */
    private static final class Cursor {
        final JsonFactory json;
        final String topic;
        /** The symbol of every row of the file (layout of runs written before), or null: each row's own. */
        final String symbol;
        final long hourStart;
        final Path path;
        final BufferedReader reader;
        Row head;

        Cursor(JsonFactory json, String topic, Path path, String symbol) throws IOException {
            this.json = json;
            this.topic = topic;
            this.path = path;
            this.symbol = symbol;
            this.hourStart = JsonlLayout.hourStartMs(path);
            this.reader = Files.newBufferedReader(path, StandardCharsets.UTF_8);
        }

        boolean advance() throws IOException {
            String line;
            do {
                line = reader.readLine();
                if (line == null) {
                    head = null;
                    return false;
                }
            } while (line.isEmpty());
            LineHeader h = LineHeader.parse(json, line);
            head = h == null
                    ? new Row("", topic, -1, hourStart, symbol == null ? "" : symbol, line)
                    : new Row(h.runId(), topic, h.seq(), h.tsMs() == LineHeader.NO_TS ? hourStart : h.tsMs(),
                            symbol == null ? h.symbol() : symbol, line);
            return true;
        }

        void closeQuietly() {
            try {
                reader.close();
            } catch (IOException e) {
                // read-only: nothing to lose
            }
        }
    }
}
