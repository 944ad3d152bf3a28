package dev.relaysim.relay.gateway.management;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The relaysim version this gateway was built as, from the build-time filtered {@value #RESOURCE}. */
public final class RelaysimVersion {

    static final String RESOURCE = "/relaysim-version.properties";

    private static final String VERSION = load();

    private RelaysimVersion() {
    }

    /** The Maven project version, such as {@code 0.1.0-SNAPSHOT}. */
    public static String current() {
        return VERSION;
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
