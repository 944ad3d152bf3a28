package dev.relaysim.relay.common.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Says why a file operation failed, for a person: NIO's file exceptions carry only the path as their message
 * ({@code /nonexistent}), the reason is their class or {@link FileSystemException#getReason()}.
 */
public final class FileErrors {

    private FileErrors() {
    }

    /**
     * {@code <path>: <why>} for a file exception ({@code /proc/x: permission denied}, {@code /d/tls: not a directory},
     * {@code /ro/ca.pem: Read-only file system}), the message of any other exception, looking through
     * {@link UncheckedIOException} and causes for the first file exception.
     */
    public static String describe(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof FileSystemException fileError) {
                return describe(fileError);
            }
        }
        if (failure instanceof UncheckedIOException unchecked && unchecked.getCause() != null) {
            return describeOther(unchecked.getCause());
        }
        return describeOther(failure);
    }

    private static String describe(FileSystemException failure) {
        String why = failure.getReason();
        if (why == null) {
            why = reasonOf(failure);
        }
        String path = failure.getFile();
        if (failure.getOtherFile() != null) {
            path += " -> " + failure.getOtherFile();
        }
        return path == null ? why : path + ": " + why;
    }

    private static String reasonOf(FileSystemException failure) {
        if (failure instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (failure instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (failure instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (failure instanceof FileAlreadyExistsException) {
            // Creating a directory where a file is: the file is in the way.
            return failure.getFile() != null && !Files.isDirectory(Path.of(failure.getFile()))
                    ? "not a directory" : "exists already";
        }
        if (failure instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        return "cannot be used";
    }

    private static String describeOther(Throwable failure) {
        String message = failure.getMessage();
        if (message == null || message.isBlank()) {
            return failure instanceof IOException ? "input/output error" : failure.getClass().getSimpleName();
        }
        return message;
    }
}
