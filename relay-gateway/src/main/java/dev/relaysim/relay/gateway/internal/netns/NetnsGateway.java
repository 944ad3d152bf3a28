package dev.relaysim.relay.gateway.internal.netns;

import dev.relaysim.relay.gateway.GatewayAddresses;
import dev.relaysim.relay.gateway.GatewayServer;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.network.NetworkModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * {@code gateway --netns}: a {@link GatewayServer} whose virtual networks are network namespaces ({@link VnetHost}).
 * {@link #start()} removes what a killed gateway left, makes the namespaces (so that the private endpoints'
 * addresses exist on the host ends before the server binds them), starts the server with a certificate that also
 * covers {@value #PUBLIC_WILDCARD} and {@value #PRIVATE_LINK_WILDCARD}, serves the public endpoint on each
 * network's public front-end address (its subnet's default gateway, {@link VnetPlan#publicFrontEnd()}), has the DNS
 * responder answer on each network's resolver address, port {@value #RESOLVER_PORT}, with public chains ending at
 * that network's public front end, and writes {@code vnets.json} and the trust files for {@code vnet run}. Network
 * changes (management API) reach the namespaces before the server binds new endpoint addresses. {@link #close()} stops
 * the server, then removes everything made; idempotent.
 */
public final class NetnsGateway implements AutoCloseable {

    public static final String PUBLIC_WILDCARD = "*.servicebus.windows.net";
    public static final String PRIVATE_LINK_WILDCARD = "*.privatelink.servicebus.windows.net";
    /** The resolvers' port: {@code resolv.conf} cannot name another. */
    public static final int RESOLVER_PORT = 53;

    private static final Logger logger = LoggerFactory.getLogger(NetnsGateway.class);

    private final GatewayConfig config;
    private final VnetLayout layout;
    private final VnetHost host;
    private final GatewayServer server;
    private final Set<Inet4Address> resolvers = new HashSet<>();
    private boolean started;
    /** Whether the server has started: resolvers and public front ends can be bound from then on. */
    private boolean serving;
    private boolean closed;

    private NetnsGateway(GatewayConfig config, VnetLayout layout) {
        this.config = requireNonNull(config, "config");
        this.layout = requireNonNull(layout, "layout");
        host = new VnetHost(layout);
        server = new GatewayServer(config, Clock.systemUTC(), Set.of(PUBLIC_WILDCARD, PRIVATE_LINK_WILDCARD));
    }

    /**
     * A gateway on {@code config} whose namespaces are named and recorded as {@code RELAYSIM_NETNS_PREFIX} and
     * {@code RELAYSIM_NETNS_DIR} in {@code environment} say.
     *
     * @throws IllegalArgumentException when the prefix is not a valid name part
     */
    public static NetnsGateway create(GatewayConfig config, Map<String, String> environment) {
        return new NetnsGateway(config, VnetLayout.fromEnvironment(environment));
    }

    /** Why network namespaces cannot be used on this machine, in one line; empty when they can. */
    public static Optional<String> unsupportedReason() {
        return HostCommands.unsupportedReason();
    }

    /**
     * Makes the namespaces and starts the gateway; on failure everything made so far is removed.
     *
     * @return where the gateway listens on its bind address
     * @throws IOException naming what could not be made or bound
     */
    public synchronized GatewayAddresses start() throws IOException {
        if (started || closed) {
            throw new IllegalStateException(closed ? "closed" : "already started");
        }
        started = true;
        try {
            host.removeLeftovers();
            host.createStateDirectory();
            host.apply(VnetPlan.of(config.networkModel(), layout));
            server.networkState().onChange(this::networkChanged);
            GatewayAddresses addresses = server.start();
            serving = true;
            bindPublicEndpoints();
            VnetTrust.write(layout, server.certificateAuthority().caCertificatePem());
            writeVnetsFile();
            return addresses;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    public GatewayServer server() {
        return server;
    }

    /** The virtual networks as made on this machine. */
    public List<VnetsFile.Vnet> vnets() {
        return host.networks().stream().map(VnetsFile.Vnet::of).toList();
    }

    /** Stops the gateway, then removes every namespace, interface and file it made. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        server.close();
        host.close();
        for (Path file : List.of(layout.vnetsFile(), layout.caBundle(), layout.devCa(), layout.truststore())) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                logger.warn("cannot remove {}: {}", file, e.getMessage());
            }
        }
        logger.info("network namespaces removed");
    }

    /** Brings the namespaces in step with a changed model, before the server binds new endpoint addresses. */
    private synchronized void networkChanged(NetworkModel model) {
        if (closed) {
            return;
        }
        try {
            host.apply(VnetPlan.of(model, layout));
            if (serving) {
                bindPublicEndpoints();
                writeVnetsFile();
            }
        } catch (IOException | RuntimeException e) {
            logger.warn("network namespaces: cannot apply the change: {}", e.getMessage());
        }
    }

    /**
     * Serves the public endpoint on the networks' public front-end addresses, then answers on their resolvers with
     * public chains ending there (so that no answer names an address not served yet).
     */
    private void bindPublicEndpoints() throws IOException {
        List<VnetPlan> networks = host.networks();
        server.bindPublicFrontEnds(networks.stream().map(VnetPlan::publicFrontEnd).toList());
        for (VnetPlan plan : networks) {
            if (resolvers.add(plan.resolver())) {
                server.bindDns(plan.resolver().getHostAddress(), RESOLVER_PORT, plan.publicFrontEnd());
            }
        }
    }

    private void writeVnetsFile() throws IOException {
        new VnetsFile(ProcessHandle.current().pid(), vnets(), layout.caBundle().toString(), layout.devCa().toString(),
                layout.truststore().toString()).write(layout.vnetsFile());
    }
}
