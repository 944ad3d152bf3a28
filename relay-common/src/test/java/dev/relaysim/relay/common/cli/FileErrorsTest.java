package dev.relaysim.relay.common.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** File errors say why, not only which path. */
class FileErrorsTest {

    @Test
    void aFileWhereADirectoryIsNeededIsNotADirectory(@TempDir Path directory) throws IOException {
        Path file = Files.writeString(directory.resolve("data"), "x");

        Throwable inside = catchThrowable(() -> Files.createDirectories(file.resolve("tls")));
        Throwable itself = catchThrowable(() -> Files.createDirectories(file));

        assertThat(FileErrors.describe(new UncheckedIOException((IOException) inside)))
                .isEqualTo(file.resolve("tls") + ": Not a directory");
        assertThat(FileErrors.describe(itself)).isEqualTo(file + ": not a directory");
    }

    @Test
    void exceptionsWithoutAReasonGetOneFromTheirKind() {
        assertThat(FileErrors.describe(new IOException("wrapped", new AccessDeniedException("/proc/x"))))
                .isEqualTo("/proc/x: permission denied");
        assertThat(FileErrors.describe(new FileSystemException("/ro/ca.pem", null, "Read-only file system")))
                .isEqualTo("/ro/ca.pem: Read-only file system");
        assertThat(FileErrors.describe(new IllegalStateException("other"))).isEqualTo("other");
    }
}
