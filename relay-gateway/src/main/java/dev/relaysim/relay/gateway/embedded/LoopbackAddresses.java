package dev.relaysim.relay.gateway.embedded;

import dev.relaysim.relay.gateway.network.Ipv4Prefix;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.random.RandomGenerator;

import static java.util.Objects.requireNonNull;

/**
 * Picks addresses for a test gateway in 127.0.0.0/8, away from those others use: 127.0.0.0/16 (the user's daemon on
 * 127.0.0.1, future cluster nodes on 127.0.1.x, people's manual experiments), 127.10.0.0/16 and 127.11.0.0/16 (the
 * default configuration's simulated virtual networks), the broadcast-looking .0 and .255 host bytes, and whatever the
 * caller excludes (a configuration's own virtual networks and private endpoints). On Linux every such address is
 * loopback, so an embedded gateway can take a whole port range there without meeting anyone else's.
 */
public final class LoopbackAddresses {

    /** Taken by others, see the class comment. */
    public static final List<Ipv4Prefix> RESERVED = List.of(Ipv4Prefix.parse("127.0.0.0/16"),
            Ipv4Prefix.parse("127.10.0.0/16"), Ipv4Prefix.parse("127.11.0.0/16"));
    private static final Ipv4Prefix LOOPBACK = Ipv4Prefix.parse("127.0.0.0/8");

    private final List<Ipv4Prefix> excluded;
    private final RandomGenerator random;

    public LoopbackAddresses(Collection<Ipv4Prefix> alsoExcluded, RandomGenerator random) {
        excluded = new ArrayList<>(RESERVED);
        excluded.addAll(requireNonNull(alsoExcluded, "alsoExcluded"));
        this.random = requireNonNull(random, "random");
    }

    /** A random address in 127.0.0.0/8 outside every excluded prefix. */
    public Inet4Address next() {
        while (true) {
            byte[] bytes = {127, (byte) random.nextInt(1, 255), (byte) random.nextInt(0, 256),
                    (byte) random.nextInt(1, 255)};
            Inet4Address candidate = address(bytes);
            if (excluded.stream().noneMatch(prefix -> prefix.contains(candidate))) {
                return candidate;
            }
        }
    }

    /**
     * Checks an address given by the user: an IPv4 literal in 127.0.0.0/8 outside 127.0.0.0/16 (whose 127.0.0.1 the
     * user's own gateway uses with the same rendezvous ports).
     *
     * @throws IllegalArgumentException naming {@code what} and the value
     */
    public static Inet4Address requireUsable(String what, String text) {
        String expected = " (expected: an IPv4 address in 127.0.0.0/8 outside 127.0.0.0/16, such as 127.42.0.1)";
        InetAddress address;
        try {
            address = text.matches("\\d{1,3}(\\.\\d{1,3}){3}") ? InetAddress.getByName(text) : null;
        } catch (UnknownHostException e) {
            address = null;
        }
        if (!(address instanceof Inet4Address inet4) || !LOOPBACK.contains(inet4)
                || RESERVED.get(0).contains(inet4)) {
            throw new IllegalArgumentException(what + ": \"" + text + '"' + expected);
        }
        return inet4;
    }

    private static Inet4Address address(byte[] bytes) {
        try {
            return (Inet4Address) InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }
}
