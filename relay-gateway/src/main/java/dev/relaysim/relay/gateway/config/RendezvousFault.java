package dev.relaysim.relay.gateway.config;

import dev.relaysim.relay.gateway.network.Ipv4Prefix;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * One blocked sub-range of the rendezvous ports: connections to {@code ports} from an address in {@code sources}
 * are refused, as a firewall that blocks a listener's egress to them would.
 *
 * @param ports   the blocked rendezvous ports
 * @param sources the source prefixes it applies to; at least one ({@code 0.0.0.0/0} for everyone)
 */
public record RendezvousFault(PortRange ports, List<Ipv4Prefix> sources) {

    public RendezvousFault {
        requireNonNull(ports, "ports");
        sources = List.copyOf(requireNonNull(sources, "sources"));
        if (sources.isEmpty()) {
            throw new InvalidValueException("sources", "[] (expected: at least one IPv4 prefix, such as 127.10.0.0/16 "
                    + "or 0.0.0.0/0 for every source)");
        }
    }

    /** Whether a connection from {@code source} to {@code port} is refused. */
    public boolean blocks(int port, InetAddress source) {
        return ports.instanceOf(port) >= 0 && sources.stream().anyMatch(prefix -> prefix.contains(source));
    }

    /** {@code {"ports":"9500-9599","sources":["127.10.0.0/16"]}}, as the config and the management API write it. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("ports", ports.toString());
        json.put("sources", sources.stream().map(Ipv4Prefix::toString).toList());
        return json;
    }
}
