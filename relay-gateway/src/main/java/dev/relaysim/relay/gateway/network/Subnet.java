package dev.relaysim.relay.gateway.network;

import java.net.Inet4Address;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/** A subnet of a virtual network, from which private endpoints get their addresses. */
public record Subnet(String name, Ipv4Prefix addressPrefix) {

    /** Azure keeps the first four addresses of a subnet and its last one for itself. */
    private static final int RESERVED_AT_START = 4;

    public Subnet {
        requireNonNull(name, "name");
        requireNonNull(addressPrefix, "addressPrefix");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name: \"\" (expected: a subnet name)");
        }
        if (addressPrefix.length() > 29) {
            throw new IllegalArgumentException("addressPrefix: " + addressPrefix
                    + " (expected: /29 or larger, as Azure requires)");
        }
    }

    /**
     * The lowest address Azure would give a new private endpoint: from the fifth address on (so {@code .4} in a
     * {@code /24}), skipping {@code taken} and the last address; empty when the subnet is full.
     */
    public Optional<Inet4Address> allocate(Set<Inet4Address> taken) {
        for (long offset = RESERVED_AT_START; offset < addressPrefix.size() - 1; offset++) {
            Inet4Address candidate = addressPrefix.address(offset);
            if (!taken.contains(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code address} is one Azure could hand out in this subnet. */
    public boolean isAssignable(Inet4Address address) {
        if (!addressPrefix.contains(address)) {
            return false;
        }
        long offset = Integer.toUnsignedLong(Ipv4Prefix.toInt(address) - addressPrefix.network());
        return offset >= RESERVED_AT_START && offset < addressPrefix.size() - 1;
    }
}
