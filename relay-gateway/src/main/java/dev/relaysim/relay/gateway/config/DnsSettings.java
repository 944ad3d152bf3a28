package dev.relaysim.relay.gateway.config;

import io.netty.util.NetUtil;

import static dev.relaysim.relay.gateway.config.ConfigChecks.quote;
import static dev.relaysim.relay.gateway.config.ConfigChecks.requirePort;
import static java.util.Objects.requireNonNull;

/**
 * The split-horizon DNS responder (JSON object {@code dns}). Validation messages name the fields by their JSON path
 * relative to {@code dns}, such as {@code port}.
 *
 * @param enabled whether it runs (default true)
 * @param bindAddress the IP literal it listens on, UDP and TCP (default {@value #DEFAULT_BIND_ADDRESS})
 * @param port its port, UDP and TCP, 0 for an ephemeral one (default {@value #DEFAULT_PORT}; 53 needs root)
 * @param faults the private DNS zone's failure toggles at start (changed at run time by
 *               {@code PUT /relaysim/dns/faults})
 */
public record DnsSettings(boolean enabled, String bindAddress, int port, DnsFaults faults) {

    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    public static final int DEFAULT_PORT = 1053;
    /** No responder: what configurations built in code without DNS settings get. */
    public static final DnsSettings DISABLED = new DnsSettings(false, DEFAULT_BIND_ADDRESS, DEFAULT_PORT,
            DnsFaults.NONE);

    public DnsSettings {
        requireNonNull(bindAddress, "bindAddress");
        requireNonNull(faults, "faults");
        if (!NetUtil.isValidIpV4Address(bindAddress) && !NetUtil.isValidIpV6Address(bindAddress)) {
            throw new InvalidValueException("bindAddress", quote(bindAddress)
                    + " (expected: an IP literal such as 127.0.0.1, 0.0.0.0 or ::)");
        }
        requirePort("port", port);
    }
}
