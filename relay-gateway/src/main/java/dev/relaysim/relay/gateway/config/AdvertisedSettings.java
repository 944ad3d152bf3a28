package dev.relaysim.relay.gateway.config;

import io.netty.util.NetUtil;
import org.jspecify.annotations.Nullable;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import static dev.relaysim.relay.gateway.config.ConfigChecks.quote;
import static java.util.Objects.requireNonNull;

/**
 * Where clients reach the gateway when that differs from where it binds (JSON object {@code listen.advertised}), as
 * Kafka's advertised listeners: in a container the gateway binds {@code 0.0.0.0:9443} while clients on the host use
 * {@code localhost} and the published ports. The advertised host and ports go into accept and request addresses, the
 * banner's endpoints and connection strings, the DNS responder's public answers (an IPv4 host) and the development
 * certificate's names. Unset values advertise what is bound, as before.
 *
 * @param host the host name or IP literal clients use, or null: accept and request addresses name the local address
 *             the listener reached, the banner the bind address
 * @param tlsPort the TLS front end's port as clients see it, 0 for the bound port
 * @param plainPort the plain front end's port as clients see it, 0 for the bound port
 * @param rendezvousPorts the rendezvous ports as clients see them, g0..gN in order (as many as
 *                        {@code listen.rendezvousPorts} has; {@link ListenSettings} checks), or empty for the bound
 *                        ports: {@code docker run -p 9400-9599:9400-9599} needs none, a container runtime that
 *                        publishes on other ports needs this mapping
 */
public record AdvertisedSettings(@Nullable String host, int tlsPort, int plainPort, List<Integer> rendezvousPorts) {

    /** Nothing advertised: clients use the bound addresses and ports. */
    public static final AdvertisedSettings NONE = new AdvertisedSettings(null, 0, 0, List.of());

    public AdvertisedSettings {
        if (host != null) {
            requireHost(host);
        }
        requirePublishedPort("tlsPort", tlsPort);
        requirePublishedPort("plainPort", plainPort);
        rendezvousPorts = List.copyOf(requireNonNull(rendezvousPorts, "rendezvousPorts"));
        for (int port : rendezvousPorts) {
            if (port < 1 || port > 65535) {
                throw new InvalidValueException("rendezvousPorts", port + " (expected: ports in 1-65535)");
            }
        }
    }

    private static void requirePublishedPort(String field, int port) {
        if (port < 0 || port > 65535) {
            throw new InvalidValueException(field, port + " (expected: 0-65535, 0 for the bound port)");
        }
    }

    private static void requireHost(String host) {
        if (NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)) {
            return;
        }
        try {
            ConfigChecks.requireHostName("host", host);
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException("host", quote(host)
                    + " (expected: a host name such as localhost or an IP literal such as 192.0.2.10)", e);
        }
    }

    /**
     * Parses the advertised rendezvous ports: ranges and single ports separated by commas, such as
     * {@code 9400-9599} or {@code 32768,32771,32790-32792}; blank is none.
     *
     * @throws IllegalArgumentException naming the text and what was expected
     */
    public static List<Integer> parsePorts(String text) {
        requireNonNull(text, "text");
        List<Integer> ports = new ArrayList<>();
        if (text.isBlank()) {
            return ports;
        }
        for (String part : text.split(",", -1)) {
            PortRange range;
            try {
                range = PortRange.parse(part);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(quote(text) + " (expected: ports and port ranges separated by "
                        + "commas, such as 9400-9599 or 32768,32771)", e);
            }
            for (int instance = 0; instance < range.size(); instance++) {
                ports.add(range.port(instance));
            }
        }
        return ports;
    }

    /** The port clients use for rendezvous instance {@code gN}, whose bound port is {@code boundPort}. */
    public int rendezvousPort(int instance, int boundPort) {
        return rendezvousPorts.isEmpty() ? boundPort : rendezvousPorts.get(instance);
    }

    /**
     * The host of URLs toward the gateway: the advertised host, else {@code local} (the address a client reached),
     * IPv6 in brackets.
     */
    public String urlHost(InetAddress local) {
        if (host != null) {
            return bracketed(host);
        }
        return local instanceof Inet6Address ? '[' + NetUtil.toAddressString(local) + ']' : local.getHostAddress();
    }

    /** {@code host}, in brackets if it is an IPv6 literal. */
    public static String bracketed(String host) {
        return NetUtil.isValidIpV6Address(host) ? '[' + host + ']' : host;
    }
}
