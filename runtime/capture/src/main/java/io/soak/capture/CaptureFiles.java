package io.soak.capture;

import java.nio.file.Path;

/**
 * Checks capture files before a run starts, so a file that cannot be replayed at all stops the command with
 * one line naming it (exit 2) instead of failing the run. Reads only the head of each file.
 */
public final class CaptureFiles {

    private CaptureFiles() {
    }

    /**
     * Refuses a file that is missing, empty, not a capture ({@code <receive time> <JSON>} lines), unreadable,
     * or whose receive-time unit cannot be told.
     *
     * @throws CaptureFileException naming the file (and the line when one is to blame)
     */
    public static void check(Path file) throws CaptureFileException {
        CaptureFormat.detect(file, CaptureReader.DEFAULT_MAX_SKEW_MS);
    }
}
