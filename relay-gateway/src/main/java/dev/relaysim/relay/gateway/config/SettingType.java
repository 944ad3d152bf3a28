package dev.relaysim.relay.gateway.config;

import dev.relaysim.relay.common.cli.Durations;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The type of a {@link Setting}: how its JSON value is read, how a flag's or environment variable's text becomes
 * JSON, how the reference names it and how {@code gateway --check} shows it.
 *
 * @param <T> the Java type the binder produces
 */
public final class SettingType<T> {

    /** The JSON shape a value is read as; text values may then be parsed further. */
    enum Json {
        /** A JSON string. */
        TEXT,
        /** {@code true} or {@code false}. */
        BOOLEAN,
        /** A JSON integer. */
        INTEGER,
        /** A string such as {@code 30s}, {@code 5m} or {@code PT30S}. */
        DURATION,
        /** A JSON integer of bytes, or a string such as {@code 64KiB} or {@code 16MiB}. */
        SIZE
    }

    public static final SettingType<String> STRING = text("string");
    public static final SettingType<String> ADDRESS = text("address");
    public static final SettingType<String> HOST = text("host name or IP literal");
    public static final SettingType<String> PATH = text("path");
    public static final SettingType<Boolean> BOOLEAN = new SettingType<>("boolean", Json.BOOLEAN, Object::toString);
    public static final SettingType<Integer> PORT = new SettingType<>("port", Json.INTEGER, Object::toString);
    public static final SettingType<Integer> INTEGER = new SettingType<>("integer", Json.INTEGER, Object::toString);
    public static final SettingType<Duration> DURATION = new SettingType<>("duration", Json.DURATION,
            Durations::format);
    public static final SettingType<Integer> SIZE = new SettingType<>("size", Json.SIZE, Object::toString);
    public static final SettingType<PortRange> PORT_RANGE = new SettingType<>("port range", Json.TEXT,
            PortRange::parse, PortRange::toString);
    public static final SettingType<List<Integer>> PORT_LIST = new SettingType<>("port list", Json.TEXT,
            AdvertisedSettings::parsePorts,
            ports -> ports.stream().map(String::valueOf).collect(Collectors.joining(",")));

    private final String name;
    private final Json json;
    private final Function<String, T> parser;
    private final Function<T, String> formatter;

    private SettingType(String name, Json json, Function<T, String> formatter) {
        this(name, json, text -> {
            throw new IllegalStateException("a " + name + " is not read from text");
        }, formatter);
    }

    private SettingType(String name, Json json, Function<String, T> parser, Function<T, String> formatter) {
        this.name = name;
        this.json = json;
        this.parser = parser;
        this.formatter = formatter;
    }

    private static SettingType<String> text(String name) {
        return new SettingType<>(name, Json.TEXT, text -> text, text -> text);
    }

    /** How the reference names the type: {@code port}, {@code duration}. */
    public String name() {
        return name;
    }

    Json json() {
        return json;
    }

    /**
     * The value of a JSON string.
     *
     * @throws IllegalArgumentException "value (expected: ...)" when the text is not one
     */
    T parse(String text) {
        return parser.apply(text);
    }

    /** The value as a configuration file would write it. */
    public String format(T value) {
        return formatter.apply(requireNonNull(value, "value"));
    }

    @Override
    public String toString() {
        return name;
    }
}
