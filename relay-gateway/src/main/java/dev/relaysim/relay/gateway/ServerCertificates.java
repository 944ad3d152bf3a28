package dev.relaysim.relay.gateway;

import dev.relaysim.relay.gateway.tls.DevCertificateAuthority;
import dev.relaysim.relay.gateway.config.GatewayConfig;
import dev.relaysim.relay.gateway.internal.network.NetworkState;
import dev.relaysim.relay.gateway.internal.registry.Namespace;
import dev.relaysim.relay.gateway.internal.registry.NamespaceRegistry;
import io.netty.handler.ssl.SslContext;
import io.netty.util.NetUtil;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The development CA in {@code <dataDirectory>/tls} and the server certificate every TLS port presents, reissued
 * when the gateway's names or addresses outgrow it (new namespaces, private endpoints, public front-end addresses):
 * new connections get the new one through a {@link SwappableSslContext}, open ones keep theirs.
 */
final class ServerCertificates {

    private static final Logger logger = LoggerFactory.getLogger(ServerCertificates.class);
    private static final String TLS_DIRECTORY = "tls";

    private final GatewayConfig config;
    private final NamespaceRegistry registry;
    private final NetworkState networkState;
    /** Names the certificate covers beyond the namespaces' own (e.g. {@code *.servicebus.windows.net}). */
    private final Set<String> extraServerNames;
    /** Further addresses the gateway listens on as the public endpoint ({@code gateway --netns}). */
    private final Set<String> publicFrontEnds = new LinkedHashSet<>();
    private @Nullable DevCertificateAuthority authority;
    private @Nullable SwappableSslContext sslContext;

    ServerCertificates(GatewayConfig config, NamespaceRegistry registry, NetworkState networkState,
                       Set<String> extraServerNames) {
        this.config = requireNonNull(config, "config");
        this.registry = requireNonNull(registry, "registry");
        this.networkState = requireNonNull(networkState, "networkState");
        this.extraServerNames = Set.copyOf(requireNonNull(extraServerNames, "extraServerNames"));
    }

    /**
     * Creates or loads the CA and its server certificate, and the TLS context of every port when
     * {@code listen.tls.enabled}.
     *
     * @throws IOException when the CA cannot be created or read
     */
    synchronized void load() throws IOException {
        authority = DevCertificateAuthority.loadOrCreate(directory(), dnsNames(), ipAddresses());
        sslContext = config.listen().tlsEnabled() ? new SwappableSslContext(authority.newServerSslContext()) : null;
    }

    /** The CA; throws before {@link #load()}. */
    synchronized DevCertificateAuthority authority() {
        if (authority == null) {
            throw new IllegalStateException("not started");
        }
        return authority;
    }

    /** The TLS context of every TLS port, following reissues; {@code null} without TLS or before {@link #load()}. */
    synchronized @Nullable SslContext sslContext() {
        return sslContext;
    }

    /** Covers public front-end {@code addresses} too, reissuing the certificate. */
    synchronized void coverPublicFrontEnds(Collection<? extends InetAddress> addresses) {
        addresses.forEach(address -> publicFrontEnds.add(address.getHostAddress()));
        reissue("public front-end addresses " + addresses);
    }

    /** Stops covering public front-end {@code addresses} that could not be bound, from the next reissue on. */
    synchronized void forgetPublicFrontEnds(Collection<? extends InetAddress> addresses) {
        addresses.forEach(address -> publicFrontEnds.remove(address.getHostAddress()));
    }

    /**
     * Makes the CA reissue the server certificate when its names or addresses no longer cover the gateway's
     * ({@link DevCertificateAuthority#loadOrCreate} reissues only then), and gives new connections the new one; a
     * failure is logged, the old certificate staying.
     */
    synchronized void reissue(String why) {
        try {
            authority = DevCertificateAuthority.loadOrCreate(directory(), dnsNames(), ipAddresses());
            if (sslContext != null) {
                sslContext.swap(authority.newServerSslContext());
            }
        } catch (IOException e) {
            logger.warn("cannot reissue the server certificate for {}: {}", why, e.getMessage());
        }
    }

    private Path directory() {
        return config.dataDirectory().resolve(TLS_DIRECTORY);
    }

    /**
     * SANs: localhost, every namespace's host name and Private Link name, and the bind address and the advertised host
     * if they are names.
     */
    private Set<String> dnsNames() {
        Set<String> names = new LinkedHashSet<>();
        names.add("localhost");
        names.addAll(extraServerNames);
        for (Namespace namespace : registry.namespaces()) {
            names.add(namespace.hostName());
            names.add(namespace.privateLinkHostName());
        }
        String bindAddress = config.listen().bindAddress();
        if (!isIpLiteral(bindAddress)) {
            names.add(bindAddress);
        }
        String advertised = config.listen().advertised().host();
        if (advertised != null && !isIpLiteral(advertised)) {
            names.add(advertised);
        }
        return names;
    }

    /**
     * SANs: 127.0.0.1 and the bind address if it is an IP literal; for a wildcard bind address every address of the
     * machine's interfaces instead, since accept addresses name the local address a listener reached; and every
     * private endpoint's address and every further public front-end address, for the same reason; and the advertised
     * host if it is an IP literal.
     */
    private Set<String> ipAddresses() throws IOException {
        Set<String> addresses = new LinkedHashSet<>();
        addresses.add("127.0.0.1");
        String bindAddress = config.listen().bindAddress();
        if (bindAddress.equals("0.0.0.0") || bindAddress.equals("::")) {
            for (NetworkInterface networkInterface : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(networkInterface.getInetAddresses())) {
                    String text = address.getHostAddress();
                    int scope = text.indexOf('%');
                    addresses.add(scope < 0 ? text : text.substring(0, scope));
                }
            }
        } else if (isIpLiteral(bindAddress)) {
            addresses.add(bindAddress);
        }
        for (InetAddress endpoint : networkState.current().privateEndpointsByAddress().keySet()) {
            addresses.add(endpoint.getHostAddress());
        }
        addresses.addAll(publicFrontEnds);
        String advertised = config.listen().advertised().host();
        if (advertised != null && isIpLiteral(advertised)) {
            addresses.add(advertised);
        }
        return addresses;
    }

    private static boolean isIpLiteral(String host) {
        return NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host);
    }
}
