package dev.relaysim.relay.gateway.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A loaded configuration and where each declared setting's value came from.
 *
 * @param config the validated configuration
 * @param sources every {@link GatewaySettings#ALL} setting, in declaration order, and its source
 */
public record LoadedConfig(GatewayConfig config, Map<Setting<?>, SettingSource> sources) {

    public LoadedConfig {
        requireNonNull(config, "config");
        sources = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(sources, "sources")));
    }

    /**
     * The effective settings as {@code gateway --check} prints them, one line each, aligned:
     * {@code protocol.tokenExpiryGrace  5m  default}.
     */
    public List<String> describe() {
        List<String[]> rows = new ArrayList<>();
        sources.forEach((setting, source) -> rows.add(new String[] {setting.path(), setting.effectiveText(config),
                source.describe(setting)}));
        int pathWidth = rows.stream().mapToInt(row -> row[0].length()).max().orElse(0);
        int valueWidth = rows.stream().mapToInt(row -> row[1].length()).max().orElse(0);
        List<String> lines = new ArrayList<>();
        for (String[] row : rows) {
            lines.add(String.format("%-" + pathWidth + "s  %-" + valueWidth + "s  %s", (Object[]) row).stripTrailing());
        }
        return lines;
    }
}
