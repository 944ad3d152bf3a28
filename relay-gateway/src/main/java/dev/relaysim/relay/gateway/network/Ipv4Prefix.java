package dev.relaysim.relay.gateway.network;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

import static java.util.Objects.requireNonNull;

/**
 * An IPv4 address prefix such as {@code 10.0.0.0/16}, or one address ({@code /32}). Azure Relay's IP rules, address
 * spaces and subnets are IPv4 only.
 *
 * @param network the network address as an unsigned 32-bit number (host bits zero)
 * @param length the prefix length, 0-32
 */
public record Ipv4Prefix(int network, int length) {

    public Ipv4Prefix {
        if (length < 0 || length > 32) {
            throw new IllegalArgumentException("length: " + length + " (expected: 0-32)");
        }
        if ((network & ~mask(length)) != 0) {
            throw new IllegalArgumentException(format(network) + '/' + length
                    + " (expected: a network address, e.g. " + format(network & mask(length)) + '/' + length + ')');
        }
    }

    /**
     * Parses {@code a.b.c.d/n} or {@code a.b.c.d} (a single address). The network address must have its host bits
     * zero, as Azure requires of address prefixes.
     */
    public static Ipv4Prefix parse(String text) {
        requireNonNull(text, "text");
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        int length = 32;
        if (slash >= 0) {
            String digits = text.substring(slash + 1);
            if (digits.isEmpty() || digits.length() > 2 || !digits.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException('"' + text
                        + "\" (expected: an IPv4 address or CIDR prefix such as 10.0.0.0/16)");
            }
            length = Integer.parseInt(digits);
        }
        return new Ipv4Prefix(parseAddress(text, address), length);
    }

    /** The prefix holding exactly {@code address}. */
    public static Ipv4Prefix of(Inet4Address address) {
        return new Ipv4Prefix(toInt(address), 32);
    }

    /** Whether {@code address} lies in this prefix; IPv6 addresses never do. */
    public boolean contains(InetAddress address) {
        return address instanceof Inet4Address v4 && (toInt(v4) & mask(length)) == network;
    }

    /** Whether every address of {@code other} lies in this prefix. */
    public boolean contains(Ipv4Prefix other) {
        return other.length >= length && (other.network & mask(length)) == network;
    }

    /** Whether the two prefixes share at least one address. */
    public boolean overlaps(Ipv4Prefix other) {
        return contains(other) || other.contains(this);
    }

    /** How many addresses the prefix holds. */
    public long size() {
        return 1L << (32 - length);
    }

    /** The address at {@code offset} from the network address. */
    public Inet4Address address(long offset) {
        if (offset < 0 || offset >= size()) {
            throw new IndexOutOfBoundsException("offset: " + offset + " (expected: 0-" + (size() - 1) + ')');
        }
        int value = network + (int) offset;
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {
                    (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an address", e);
        }
    }

    /** {@code 10.0.0.0/16}; a single address keeps its {@code /32}. */
    @Override
    public String toString() {
        return format(network) + '/' + length;
    }

    static int toInt(Inet4Address address) {
        byte[] bytes = address.getAddress();
        return (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | bytes[3] & 0xff;
    }

    private static int mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    private static int parseAddress(String text, String address) {
        String[] parts = address.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException('"' + text
                    + "\" (expected: an IPv4 address or CIDR prefix such as 10.0.0.0/16)");
        }
        int value = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(part) > 255) {
                throw new IllegalArgumentException('"' + text
                        + "\" (expected: an IPv4 address or CIDR prefix such as 10.0.0.0/16)");
            }
            value = value << 8 | Integer.parseInt(part);
        }
        return value;
    }

    private static String format(int value) {
        return (value >>> 24) + "." + (value >>> 16 & 0xff) + '.' + (value >>> 8 & 0xff) + '.' + (value & 0xff);
    }
}
