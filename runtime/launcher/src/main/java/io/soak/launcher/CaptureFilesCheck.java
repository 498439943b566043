package io.soak.launcher;

import io.soak.capture.CaptureFileException;
import io.soak.capture.CaptureFiles;
import io.soak.api.plan.Mode;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.plan.SourceSpec;
import java.nio.file.Path;

/**
 * Refuses, before a run starts (and in {@code validate}), the capture files a plan would replay or serve
 * that cannot be replayed at all: missing, empty, plain text that is no capture, unreadable, no telling the
 * time unit. One line naming the file, exit 2 (a truncated gzip is not refused: its readable part is
 * replayed and the truncation is reported as a warning).
 */
final class CaptureFilesCheck {

    private CaptureFilesCheck() {
    }

    static void check(ScenarioPlan plan) throws UserException {
        SourceSpec src = plan.source();
        if (src == null || src.files().isEmpty()) {
            return;
        }
        boolean replayed = plan.mode() == Mode.REPLAY && "capture".equals(src.type());
        Object serve = src.emulator().get("serve");
        boolean served = src.usesEmulator() && (serve == null || "files".equals(String.valueOf(serve).trim()));
        if (!replayed && !served) {
            return;
        }
        for (String f : src.files()) {
            try {
                CaptureFiles.check(Path.of(f));
            } catch (CaptureFileException e) {
                throw new UserException(Launcher.INVALID, e.getMessage(), e);
            } catch (RuntimeException e) { // an invalid path string
                throw new UserException(Launcher.INVALID, "capture file " + f + ": " + e.getMessage(), e);
            }
        }
    }
}
