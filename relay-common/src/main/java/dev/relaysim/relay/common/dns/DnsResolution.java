package dev.relaysim.relay.common.dns;

import java.net.InetAddress;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What a DNS server answered for a host name.
 *
 * @param host      the name asked for, without the trailing dot
 * @param chain     the names from {@code host} through every CNAME to the name that owns the addresses, without
 *                  trailing dots ({@code [host]} when there was no CNAME)
 * @param addresses the IPv4 addresses of the last name, in the order the server gave them; never empty
 * @param ttl       the address records' time to live, in seconds
 */
public record DnsResolution(String host, List<String> chain, List<InetAddress> addresses, long ttl) {

    public DnsResolution {
        requireNonNull(host, "host");
        chain = List.copyOf(requireNonNull(chain, "chain"));
        addresses = List.copyOf(requireNonNull(addresses, "addresses"));
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("chain: [] (expected: at least the host)");
        }
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("addresses: [] (expected: at least one)");
        }
    }

    /** The first address, the one clients connect to. */
    public InetAddress address() {
        return addresses.get(0);
    }

    /** The name that owns the addresses: the end of the chain. */
    public String canonicalName() {
        return chain.get(chain.size() - 1);
    }

    /** {@code a -> b -> c = 10.0.0.4}, as a person reads a chain. */
    @Override
    public String toString() {
        return String.join(" -> ", chain) + " = " + addresses.get(0).getHostAddress();
    }
}
