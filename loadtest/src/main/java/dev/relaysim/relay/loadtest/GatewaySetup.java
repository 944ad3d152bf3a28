package dev.relaysim.relay.loadtest;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaysim.relay.common.auth.SharedAccessSignature;
import dev.relaysim.relay.common.client.TokenProvider;
import dev.relaysim.relay.common.connection.DevDefaults;
import dev.relaysim.relay.gateway.config.EmbeddedPortBlocks;
import dev.relaysim.relay.gateway.config.PortRange;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a benchmark gateway (in-process or a child JVM) runs on: a configuration file with namespace
 * {@value #NAMESPACE} (the default namespace, the development rule {@code RootManageSharedAccessKey}) holding
 * hybrid connection {@value #ENTITY} and {@code <prefix>0..<prefix>N} ({@code idle-} by default), optionally a
 * {@code limits} object, a free block of rendezvous ports off the daemon's 9400-9599 ({@link EmbeddedPortBlocks}),
 * and a temporary data directory, deleted by {@link #close()}. The management server and the DNS responder take
 * ephemeral ports, so that runs on one machine never collide on them.
 */
final class GatewaySetup implements AutoCloseable {

    static final String NAMESPACE = "sandbox";
    static final String ENTITY = "echo";
    static final String IDLE_ENTITY_PREFIX = "idle-";
    /** The config key of the namespace quota: relayed connections plus pending senders. */
    static final String QUOTA_LIMIT = "maxRelayedConnectionsPerNamespace";
    /** The config key of the limit on open TCP connections from one source address. */
    static final String PER_SOURCE_LIMIT = "maxConnectionsPerSource";
    /** Connections from 127.0.0.1 beyond those of a run that the per-source limit leaves room for. */
    static final int PER_SOURCE_MARGIN = 100;
    /** The gateway's default namespace quota (Azure's 5,000 connections). */
    static final int DEFAULT_QUOTA = 5000;
    static final String LOAD_ENTITY_PREFIX = "load-";
    /** Tokens of the development rule, for any audience. */
    static final TokenProvider TOKENS = (audience, validFor) -> SharedAccessSignature.createToken(audience,
            DevDefaults.KEY_NAME, DevDefaults.KEY, Instant.now().plus(validFor));

    private static final int BLOCK = 4;
    private static final int ATTEMPTS = 50;

    private final Path directory;
    private final Path configFile;
    private final String rendezvousPorts;

    /** A setup with {@code idleEntities} extra hybrid connections. */
    GatewaySetup(int idleEntities) throws IOException {
        this(IDLE_ENTITY_PREFIX, idleEntities, Map.of());
    }

    /**
     * A setup with {@code entities} extra hybrid connections named {@code <entityPrefix><i>} and the config object
     * {@code limits} holding {@code limits} (left out when empty).
     */
    GatewaySetup(String entityPrefix, int entities, Map<String, Integer> limits) throws IOException {
        directory = Files.createTempDirectory("relaysim-bench");
        configFile = directory.resolve("gateway.json");
        Files.writeString(configFile, configJson(entityPrefix, entities, limits));
        rendezvousPorts = freeRendezvousBlock();
    }

    Path dataDirectory() {
        return directory.resolve("data");
    }

    Path configFile() {
        return configFile;
    }

    /** {@code FIRST-LAST}, free when this setup was made. */
    String rendezvousPorts() {
        return rendezvousPorts;
    }

    /** The gateway's flags: ephemeral front ends, this setup's rendezvous block and data directory. */
    List<String> flags() {
        return List.of("--tls-port", "0", "--plain-port", "0", "--rendezvous-ports", rendezvousPorts,
                "--management-port", "0", "--dns-port", "0", "--data-dir", dataDirectory().toString());
    }

    /** Deletes the temporary directory. */
    @Override
    public void close() {
        TempDirectories.delete(directory);
    }

    private static String configJson(String entityPrefix, int extraEntities, Map<String, Integer> limits) {
        JsonMapper mapper = new JsonMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("defaultNamespace", NAMESPACE);
        ObjectNode namespace = root.putArray("namespaces").addObject();
        namespace.put("name", NAMESPACE);
        namespace.put("hostName", NAMESPACE + ".servicebus.windows.net");
        ObjectNode rule = namespace.putArray("authorizationRules").addObject();
        rule.put("name", DevDefaults.KEY_NAME);
        rule.put("primaryKey", DevDefaults.KEY);
        rule.put("secondaryKey", DevDefaults.SECONDARY_KEY);
        rule.putArray("rights").add("Listen").add("Send").add("Manage");
        ArrayNode entities = namespace.putArray("hybridConnections");
        entity(entities, ENTITY);
        for (int i = 0; i < extraEntities; i++) {
            entity(entities, entityPrefix + i);
        }
        if (!limits.isEmpty()) {
            ObjectNode limitsNode = root.putObject("limits");
            limits.forEach(limitsNode::put);
        }
        return root.toPrettyString();
    }

    private static void entity(ArrayNode entities, String name) {
        ObjectNode entity = entities.addObject();
        entity.put("name", name);
        entity.put("requiresClientAuthorization", true);
        entity.putArray("authorizationRules");
    }

    /**
     * A block of {@value #BLOCK} rendezvous ports nobody listens on, chosen at random to avoid other runs, off the
     * ports a running {@code ./relaysim gateway} holds ({@link EmbeddedPortBlocks}).
     */
    private static String freeRendezvousBlock() throws IOException {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            PortRange block = EmbeddedPortBlocks.random(BLOCK);
            if (free(block.first(), block.last())) {
                return block.toString();
            }
        }
        throw new IOException("no free block of " + BLOCK + " ports in " + EmbeddedPortBlocks.FIRST_PORT + '-'
                + EmbeddedPortBlocks.LAST_PORT + " for the gateway's rendezvous ports");
    }

    private static boolean free(int first, int last) {
        for (int port = first; port <= last; port++) {
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                probe.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
