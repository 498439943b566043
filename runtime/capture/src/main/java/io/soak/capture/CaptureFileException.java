package io.soak.capture;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A capture file that cannot be replayed at all (empty, not a capture, unreadable, no usable time unit). Its
 * message is one line naming the file (and the line, when one is to blame); the launcher turns it into exit
 * code 2 before the run starts.
 */
public class CaptureFileException extends IOException {

    private final transient Path file;

    public CaptureFileException(Path file, String message) {
        super(message);
        this.file = file;
    }

    public CaptureFileException(Path file, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    /** The file to blame. */
    public Path file() {
        return file;
    }
}
