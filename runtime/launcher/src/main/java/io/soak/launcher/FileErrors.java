package io.soak.launcher;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * One line for a file-system failure with the path and the reason: Java's own messages are the bare path
 * ({@code AccessDeniedException: /runs/x}) or the reason without the path.
 */
public final class FileErrors {

    private FileErrors() {
    }

    /** {@code cannot write /runs/x/run_manifest.json: permission denied}. */
    public static String describe(FileSystemException e) {
        String file = e.getFile() == null ? "?" : e.getFile();
        String reason;
        if (e instanceof AccessDeniedException) {
            reason = "permission denied";
        } else if (e instanceof NoSuchFileException) {
            reason = "no such file or directory";
        } else if (e instanceof FileAlreadyExistsException) {
            reason = "already exists";
        } else if (e instanceof NotDirectoryException) {
            reason = "not a directory";
        } else if (e instanceof DirectoryNotEmptyException) {
            reason = "directory not empty";
        } else {
            reason = e.getReason() == null ? e.getClass().getSimpleName() : e.getReason();
        }
        return file + (e.getOtherFile() == null ? "" : " -> " + e.getOtherFile()) + ": " + reason;
    }
}
