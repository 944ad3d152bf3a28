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
 */
public record ListenSettings(String bindAddress, boolean tlsEnabled, int tlsPort,
                             boolean plainEnabled, int plainPort, PortRange rendezvousPorts) {

    public ListenSettings {
        requireNonNull(bindAddress, "bindAddress");
        requireNonNull(rendezvousPorts, "rendezvousPorts");
        if (!NetUtil.isValidIpV4Address(bindAddress) && !NetUtil.isValidIpV6Address(bindAddress)) {
            try {
                ConfigChecks.requireHostName("bindAddress", bindAddress);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bindAddress: " + quote(bindAddress)
                        + " (expected: an IP literal such as 127.0.0.1 or ::, or a host name)", e);
            }
        }
        requirePort("tls.port", tlsPort);
        requirePort("plain.port", plainPort);
        if (!tlsEnabled && !plainEnabled) {
            throw new IllegalArgumentException(
                    "tls.enabled: false (expected: true while plain.enabled is false; at least one front end must run)");
        }
        if (tlsEnabled && plainEnabled && tlsPort != 0 && tlsPort == plainPort) {
            throw new IllegalArgumentException("plain.port: " + plainPort + " (expected: a port other than tls.port)");
        }
    }
}
