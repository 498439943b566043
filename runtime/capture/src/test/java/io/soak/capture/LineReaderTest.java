package io.soak.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.testdata.TestData;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** {@link LineReader} gives the lines {@link BufferedReader#readLine()} gives, on recorded and on hostile bytes. */
class LineReaderTest {

    @Test
    void theRecordingsReadLineForLineAsBufferedReaderReadsThem() throws IOException {
        for (String f : List.of(TestData.BTC, TestData.ETH)) {
            byte[] bytes;
            try (InputStream in = new GZIPInputStream(Files.newInputStream(TestData.file(f)))) {
                bytes = in.readAllBytes();
            }
            List<String> want = reference(bytes);
            assertThat(want).hasSizeGreaterThan(1_000);
            assertThat(lines(bytes, 1 << 16)).isEqualTo(want);
            assertThat(lines(bytes, 16)).isEqualTo(want); // every line longer than the buffer: it grows
        }
    }

    @Test
    void terminatorsEmptyLinesAndTheLastLineAreReadAsBufferedReaderReadsThem() throws IOException {
        String[] texts = {"", "a", "a\n", "a\r", "a\r\n", "\n", "\r\n", "\r\r\n\n", "a\n\nb", "a\rb\r\nc\n\rd",
            "no terminator at the end", "x\r", "\r", "é\u00e9\u20ac\ud83d\ude00\n\u0000\t\n"};
        for (String t : texts) {
            byte[] bytes = t.getBytes(StandardCharsets.UTF_8);
            for (int size : new int[] {16, 17, 64}) {
                assertThat(lines(bytes, size)).as("%s at %d", t, size).isEqualTo(reference(bytes));
            }
        }
    }

    @Test
    void randomBytesMalformedUtf8AndCrLfAcrossBufferEdgesReadAlike() throws IOException {
        SplittableRandom r = new SplittableRandom(16);
        byte[] alphabet = {'a', '{', '"', '\n', '\r', ' ', (byte) 0xc3, (byte) 0xa9, (byte) 0xe2, (byte) 0x82, (byte) 0xac,
            (byte) 0xff, (byte) 0x80, (byte) 0xf0, 0};
        for (int k = 0; k < 2_000; k++) {
            byte[] bytes = new byte[r.nextInt(200)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = alphabet[r.nextInt(alphabet.length)];
            }
            int size = 16 + r.nextInt(40);
            assertThat(lines(bytes, size)).as("case %d", k).isEqualTo(reference(bytes));
        }
    }

    private static List<String> lines(byte[] bytes, int bufferSize) throws IOException {
        List<String> out = new ArrayList<>();
        try (LineReader lr = new LineReader(new ChunkedStream(bytes), bufferSize)) {
            for (String l = lr.readLine(); l != null; l = lr.readLine()) {
                out.add(l);
            }
        }
        return out;
    }

    private static List<String> reference(byte[] bytes) throws IOException {
        List<String> out = new ArrayList<>();
        try (BufferedReader br = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8))) {
            for (String l = br.readLine(); l != null; l = br.readLine()) {
                out.add(l);
            }
        }
        return out;
    }

    /** Hands out at most 7 bytes a read, so terminators and UTF-8 sequences fall across reads. */
    private static final class ChunkedStream extends ByteArrayInputStream {
        ChunkedStream(byte[] b) {
            super(b);
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, 7));
        }
    }
}
