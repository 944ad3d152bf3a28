package dev.relaysim.relay.gateway.config;

import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * One gateway setting, declared once in {@link GatewaySettings}: everything else derives from it (the default
 * configuration, the binder's reading of the JSON value, the command-line flag and its environment variable,
 * {@code gateway --help}, {@code gateway --check} and the table in {@code docs/configuration.md}).
 *
 * @param path the JSON path, such as {@code protocol.tokenExpiryGrace}
 * @param type how the value is read, shown and documented
 * @param defaultValue the default as the configuration file writes it ({@code "5m"}, {@code 9443}, {@code true}), or
 *                     {@code null} when the setting is unset by default
 * @param unsetMeans for a setting without a default value: what being unset means, for the reference and
 *                   {@code --check}; empty otherwise
 * @param flag the command-line flag without its dashes ({@code token-expiry-grace}), or {@code null} for a setting
 *             only the file sets; a boolean's flag is the switch {@code --no-<flag>}, which sets it to {@code false}
 * @param paramLabel the flag's parameter in {@code --help}, such as {@code DURATION}
 * @param help one line: what the setting does
 * @param effective the setting's value in a bound configuration, for {@code gateway --check}
 * @param <T> the value's Java type
 */
public record Setting<T>(String path, SettingType<T> type, @Nullable Object defaultValue, String unsetMeans,
                         @Nullable String flag, String paramLabel, String help,
                         Function<GatewayConfig, @Nullable T> effective) {

    /** The prefix of every setting's environment variable. */
    public static final String ENVIRONMENT_PREFIX = "RELAYSIM_";

    public Setting {
        requireNonNull(path, "path");
        requireNonNull(type, "type");
        requireNonNull(unsetMeans, "unsetMeans");
        requireNonNull(paramLabel, "paramLabel");
        requireNonNull(help, "help");
        requireNonNull(effective, "effective");
        if ((defaultValue == null) == unsetMeans.isEmpty()) {
            throw new IllegalArgumentException(path + ": either a default value or what unset means, not both");
        }
    }

    /** The JSON path's segments: {@code [protocol, tokenExpiryGrace]}. */
    public List<String> segments() {
        return List.of(path.split("\\."));
    }

    /** {@code RELAYSIM_TOKEN_EXPIRY_GRACE} for the flag {@code token-expiry-grace}; none without a flag. */
    public Optional<String> environmentVariable() {
        return flag == null ? Optional.empty()
                : Optional.of(ENVIRONMENT_PREFIX + flag.toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /**
     * The option users type: {@code --token-expiry-grace}, or {@code --no-tls} for a boolean (which only turns the
     * setting off); none without a flag.
     */
    public Optional<String> option() {
        if (flag == null) {
            return Optional.empty();
        }
        return Optional.of(isSwitch() ? "--no-" + flag : "--" + flag);
    }

    /** Whether the flag is a switch without a value ({@code --no-tls}). */
    public boolean isSwitch() {
        return type == SettingType.BOOLEAN;
    }

    /** The default as the reference and {@code --help} show it: {@code 5m}, or what unset means. */
    public String defaultText() {
        return defaultValue == null ? unsetMeans : defaultValue.toString();
    }

    /** This setting's value in {@code config} as a configuration file would write it, or what unset means. */
    public String effectiveText(GatewayConfig config) {
        T value = effective.apply(requireNonNull(config, "config"));
        return value == null ? "(" + unsetMeans + ")" : type.format(value);
    }
}
