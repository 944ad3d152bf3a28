package dev.relaysim.relay.common.cli;

import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The relaysim version this build is, from the build-time filtered {@value #RESOURCE}: what {@code -V}/{@code --version}
 * prints for every command and what the gateway's management server reports.
 */
public final class RelaysimVersion implements IVersionProvider {

    static final String RESOURCE = "/relaysim-version.properties";

    private static final String VERSION = load();

    /** The Maven project version, such as {@code 0.1.0-SNAPSHOT}. */
    public static String current() {
        return VERSION;
    }

    /** {@code relaysim <version>}, the one line {@code --version} prints. */
    @Override
    public String[] getVersion() {
        return new String[] {"relaysim " + VERSION};
    }

    /** Prints the version line ({@code ./relaysim --version}). */
    public static void main(String[] args) {
        System.out.println(new RelaysimVersion().getVersion()[0]);
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
