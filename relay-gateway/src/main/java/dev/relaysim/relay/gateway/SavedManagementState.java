package dev.relaysim.relay.gateway;

import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import dev.relaysim.relay.gateway.network.NetworkModel;
import dev.relaysim.relay.gateway.internal.network.NetworkState;
import dev.relaysim.relay.gateway.internal.network.NetworkStateFile;
import dev.relaysim.relay.gateway.internal.registry.Namespace;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import dev.relaysim.relay.gateway.internal.registry.NamespaceStateFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The management API's changes kept in an explicit data directory: restored at start in place of the configured
 * namespaces and network settings, and saved on every later change.
 */
final class SavedManagementState {

    private static final Logger logger = LoggerFactory.getLogger(SavedManagementState.class);

    private SavedManagementState() {
    }

    /**
     * Restores the saved namespaces ({@link NamespaceStateFile}), then the saved network state
     * ({@link NetworkStateFile}), into the live registry and network state, and saves every later change there.
     *
     * @throws IOException naming the file and the problem when a saved state is unreadable or invalid
     */
    static void restore(GatewayConfig config, NamespaceRegistry registry, NetworkState networkState)
            throws IOException {
        restoreNamespaces(config, registry);
        restoreNetworkState(config, registry, networkState);
    }

    private static void restoreNamespaces(GatewayConfig config, NamespaceRegistry registry) throws IOException {
        NamespaceStateFile stateFile = new NamespaceStateFile(config.dataDirectory());
        Optional<List<NamespaceConfig>> saved = stateFile.read();
        if (saved.isPresent()) {
            try {
                registry.update(configured -> saved.get());
            } catch (IllegalArgumentException e) {
                throw new IOException(stateFile.path() + ": " + e.getMessage() + "; the gateway does not start "
                        + "rather than drop the management changes saved there (fix the file, or delete it to start "
                        + "from the configuration alone)", e);
            }
            logger.info("namespaces restored from {}: they replace the configured namespaces, hybrid connections "
                    + "and rules", stateFile.path());
        }
        registry.storeWith(stateFile::write);
    }

    private static void restoreNetworkState(GatewayConfig config, NamespaceRegistry registry,
                                            NetworkState networkState) throws IOException {
        NetworkStateFile stateFile = new NetworkStateFile(config.dataDirectory());
        Optional<NetworkModel> saved = stateFile.read(registry.namespaces().stream().map(Namespace::name)
                .collect(Collectors.toSet()));
        if (saved.isPresent()) {
            networkState.update(configured -> saved.get());
            logger.info("network state restored from {}: it replaces the configured virtual networks and namespace "
                    + "network settings", stateFile.path());
        } else {
            logger.info("management API changes will be saved in {}", stateFile.path());
        }
        networkState.storeWith(stateFile::write);
    }
}
