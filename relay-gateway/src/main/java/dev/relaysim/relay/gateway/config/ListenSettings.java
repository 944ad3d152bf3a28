package dev.relaysim.relay.gateway.config;

import io.netty.util.NetUtil;

import static dev.relaysim.relay.gateway.config.ConfigChecks.quote;
import static dev.relaysim.relay.gateway.config.ConfigChecks.requirePort;
import static java.util.Objects.requireNonNull;

/**
 * Where the gateway accepts connections (JSON object {@code listen}). Validation messages name the
 * fields by their JSON path relative to {@code listen}, such as {@code tls.port}.
 *
 * @param bindAddress the local address of the front ends and the rendezvous ports: an IP literal
 *                    ({@code 127.0.0.1}, {@code 0.0.0.0}, {@code ::}) or a host name
 * @param tlsEnabled whether the TLS front end ({@code wss}, {@code https}) runs
 * @param tlsPort its port, 0 for an ephemeral one
 * @param plainEnabled whether the plain front end ({@code ws}, {@code http}) runs
 * @param plainPort its port, 0 for an ephemeral one
 * @param rendezvousPorts one port per gateway instance g0..gN; the defaults overlap the front ends
 *                        (9443 is g43 of 9400-9599), so an overlap is not refused here
 * @param managementEnabled whether the management HTTP server ({@code /health}, {@code /metrics}) runs
 * @param managementPort its port (plain HTTP), 0 for an ephemeral one; outside the rendezvous range and other
 *                       than the front ends' ports
 * @param managementAdminKey the key the management API's ARM routes require as {@code Authorization: Bearer <key>}:
 *                           1-256 visible ASCII characters (default {@value #DEFAULT_ADMIN_KEY}, public like the
 *                           development SAS key)
 * @param advertised the host and ports clients are told to use when they differ from the bound ones (in a
 *                   container); {@link AdvertisedSettings#NONE} advertises what is bound
 */
public record ListenSettings(String bindAddress, boolean tlsEnabled, int tlsPort,
                             boolean plainEnabled, int plainPort, PortRange rendezvousPorts,
                             boolean managementEnabled, int managementPort, String managementAdminKey,
                             AdvertisedSettings advertised) {

    /** The development admin key of the management API; printed in the banner, as public as the dev SAS key. */
    public static final String DEFAULT_ADMIN_KEY = "relaysim-dev-admin-key";

    /** Settings with the development admin key. */
    public ListenSettings(String bindAddress, boolean tlsEnabled, int tlsPort, boolean plainEnabled, int plainPort,
                          PortRange rendezvousPorts, boolean managementEnabled, int managementPort) {
        this(bindAddress, tlsEnabled, tlsPort, plainEnabled, plainPort, rendezvousPorts, managementEnabled,
                managementPort, DEFAULT_ADMIN_KEY);
    }

    /** Settings that advertise what is bound. */
    public ListenSettings(String bindAddress, boolean tlsEnabled, int tlsPort, boolean plainEnabled, int plainPort,
                          PortRange rendezvousPorts, boolean managementEnabled, int managementPort,
                          String managementAdminKey) {
        this(bindAddress, tlsEnabled, tlsPort, plainEnabled, plainPort, rendezvousPorts, managementEnabled,
                managementPort, managementAdminKey, AdvertisedSettings.NONE);
    }

    public ListenSettings {
        requireNonNull(bindAddress, "bindAddress");
        requireNonNull(rendezvousPorts, "rendezvousPorts");
        if (!NetUtil.isValidIpV4Address(bindAddress) && !NetUtil.isValidIpV6Address(bindAddress)) {
            try {
                ConfigChecks.requireHostName("bindAddress", bindAddress);
            } catch (IllegalArgumentException e) {
                throw new InvalidValueException("bindAddress", quote(bindAddress)
                        + " (expected: an IP literal such as 127.0.0.1 or ::, or a host name)", e);
            }
        }
        requirePort("tls.port", tlsPort);
        requirePort("plain.port", plainPort);
        if (!tlsEnabled && !plainEnabled) {
            throw new InvalidValueException("tls.enabled",
                    "false (expected: true while plain.enabled is false; at least one front end must run)");
        }
        if (tlsEnabled && plainEnabled && tlsPort != 0 && tlsPort == plainPort) {
            throw new InvalidValueException("plain.port", plainPort + " (expected: a port other than tls.port)");
        }
        requirePort("management.port", managementPort);
        if (managementEnabled && managementPort != 0 && (tlsEnabled && managementPort == tlsPort
                || plainEnabled && managementPort == plainPort || rendezvousPorts.instanceOf(managementPort) >= 0)) {
            throw new InvalidValueException("management.port", managementPort
                    + " (expected: a port other than tls.port and plain.port, outside rendezvousPorts "
                    + rendezvousPorts + ')');
        }
        requireNonNull(managementAdminKey, "managementAdminKey");
        if (managementAdminKey.isEmpty() || managementAdminKey.length() > 256
                || !managementAdminKey.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new InvalidValueException("management.adminKey", managementAdminKey.length()
                    + " characters (expected: 1-256 visible ASCII characters, no spaces)");
        }
        requireNonNull(advertised, "advertised");
        int advertisedRendezvous = advertised.rendezvousPorts().size();
        if (advertisedRendezvous != 0 && advertisedRendezvous != rendezvousPorts.size()) {
            throw new InvalidValueException("advertised.rendezvousPorts", advertisedRendezvous
                    + " ports (expected: "
                    + rendezvousPorts.size() + ", one per port of rendezvousPorts " + rendezvousPorts + ')');
        }
    }

    /** The TLS front end's port as clients see it: the advertised one, else {@code boundPort}. */
    public int advertisedTlsPort(int boundPort) {
        return advertised.tlsPort() != 0 ? advertised.tlsPort() : boundPort;
    }

    /** The plain front end's port as clients see it: the advertised one, else {@code boundPort}. */
    public int advertisedPlainPort(int boundPort) {
        return advertised.plainPort() != 0 ? advertised.plainPort() : boundPort;
    }
}
