package dev.relaysim.relay.common.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The relaysim version this build is, from the build-time filtered {@value #RESOURCE}: what
 * {@code -V}/{@code --version} prints for every command and what the gateway's management server reports. Free of
 * picocli, which is optional for the library modules: an embedded gateway reports its version without it.
 */
public final class RelaysimVersion {

    static final String RESOURCE = "/relaysim-version.properties";

    private static final String VERSION = load();

    private RelaysimVersion() {
    }

    /** The Maven project version, such as {@code 0.1.0-SNAPSHOT}. */
    public static String current() {
        return VERSION;
    }

    /** {@code relaysim <version>}, the one line {@code --version} prints. */
    public static String line() {
        return "relaysim " + VERSION;
    }

    /** Prints the version line ({@code ./relaysim --version}). */
    public static void main(String[] args) {
        System.out.println(line());
    }

    private static String load() {
        try (InputStream in = RelaysimVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
