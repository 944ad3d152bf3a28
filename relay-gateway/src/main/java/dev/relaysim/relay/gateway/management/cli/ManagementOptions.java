package dev.relaysim.relay.gateway.management.cli;

import dev.relaysim.relay.gateway.config.ListenSettings;
import picocli.CommandLine.Option;

import java.net.URI;

/** Where the management API is and its key: {@code --management-url}, {@code --admin-key}. */
final class ManagementOptions {

    static final String DEFAULT_URL = "http://127.0.0.1:9390";

    @Option(names = "--management-url", paramLabel = "URL",
            defaultValue = "${env:RELAYSIM_MANAGEMENT_URL:-" + DEFAULT_URL + "}",
            description = "the gateway's management server (default ${DEFAULT-VALUE}; env RELAYSIM_MANAGEMENT_URL)")
    URI managementUrl;

    @Option(names = "--admin-key", paramLabel = "KEY",
            defaultValue = "${env:RELAYSIM_MANAGEMENT_ADMIN_KEY:-" + ListenSettings.DEFAULT_ADMIN_KEY + "}",
            description = "the gateway's listen.management.adminKey (default: the development key; env "
                    + "RELAYSIM_MANAGEMENT_ADMIN_KEY)")
    String adminKey;

    ManagementClient client() {
        return new ManagementClient(managementUrl, adminKey);
    }
}
