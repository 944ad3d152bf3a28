package dev.relaysim.relay.common.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Whether Node.js can run, and the install of scripts beside npm packages. */
class NodePackagesTest {

    @TempDir
    Path directory;

    @Test
    void nodeAndNpmMustBothBeExecutableOnThePath() throws IOException {
        Path bin = Files.createDirectories(directory.resolve("bin"));
        Path other = Files.createDirectories(directory.resolve("other"));
        assertThat(NodePackages.unavailability(bin.toString())).hasValue("node is not on the PATH");
        executable(bin.resolve("node"));
        assertThat(NodePackages.unavailability(bin + File.pathSeparator)).hasValue("npm is not on the PATH");
        Files.writeString(other.resolve("npm"), "not executable");
        assertThat(NodePackages.unavailability(bin + File.pathSeparator + other)).hasValue("npm is not on the PATH");
        executable(other.resolve("npm"));
        assertThat(NodePackages.unavailability(bin + File.pathSeparator + other)).isEmpty();
    }

    @Test
    void scriptsAreCopiedAndNpmIsNotRunWhileTheModulesAreThere() throws IOException {
        Path install = directory.resolve("install");
        Files.createDirectories(install.resolve("node_modules/present"));
        NodePackages.install(install, NodePackagesTest.class, "/node-packages-test", List.of("script.js"),
                List.of("present"));
        assertThat(install.resolve("script.js")).hasContent("console.log('installed');");
    }

    @Test
    void aMissingScriptIsNamed() {
        assertThatThrownBy(() -> NodePackages.install(directory, NodePackagesTest.class, "/node-packages-test",
                List.of("absent.js"), List.of()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("/node-packages-test/absent.js");
    }

    private static void executable(Path file) throws IOException {
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
