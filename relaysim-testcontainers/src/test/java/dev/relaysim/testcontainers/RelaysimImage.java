package dev.relaysim.testcontainers;

import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The image under test: the repository's {@code Dockerfile} with the standalone jar this build packaged, on the base
 * image {@code relaysim.base.image} (made from Debian packages by {@code .ci/run}, since no registry is reachable).
 * Without a Docker daemon or the base image the calling test is skipped, saying why; under CI ({@code CI=true}) it
 * fails instead, since {@code .ci/run} provides both.
 */
final class RelaysimImage {

    private static String name;

    private RelaysimImage() {
    }

    /** Builds the image once per test JVM and returns its name. */
    static synchronized String build() {
        if (name != null) {
            return name;
        }
        String baseImage = System.getProperty("relaysim.base.image");
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            skipOrFail("no Docker daemon is reachable (DOCKER_HOST or /var/run/docker.sock); .ci/run starts one");
        }
        if (!baseImageExists(baseImage)) {
            skipOrFail("the base image " + baseImage + " is missing; .ci/run builds it with debootstrap "
                    + "(or pass -Drelaysim.base.image=eclipse-temurin:17-jre where a registry is reachable)");
        }
        Path jar = Path.of(System.getProperty("relaysim.standalone.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError(jar + " is missing: build relaysim-standalone first (mvn -B package)");
        }
        name = new ImageFromDockerfile("relaysim-test", false)
                .withFileFromPath("Dockerfile", Path.of(System.getProperty("relaysim.dockerfile")))
                .withFileFromPath("relaysim-standalone/target/" + jar.getFileName(), jar)
                .withBuildArg("BASE_IMAGE", baseImage)
                .get();
        return name;
    }

    private static boolean baseImageExists(String image) {
        try {
            DockerClientFactory.instance().client().inspectImageCmd(image).exec();
            return true;
        } catch (com.github.dockerjava.api.exception.NotFoundException e) {
            return false;
        }
    }

    private static void skipOrFail(String reason) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(reason + " (CI must run the container tests)");
        }
        Assumptions.abort(reason);
    }
}
