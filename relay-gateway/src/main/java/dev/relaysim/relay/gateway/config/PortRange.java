package dev.relaysim.relay.gateway.config;

/**
 * An inclusive range of TCP ports, such as the rendezvous ports {@code 9400-9599}: instance
 * {@code gN} of the gateway listens on {@code port(N)}.
 *
 * @param first the lowest port, 1-65535
 * @param last the highest port, {@code first}-65535, at most {@value #MAX_PORTS} ports after {@code first - 1}
 */
public record PortRange(int first, int last) {

    /** The most ports a range may hold (rendezvous instances g0..g199). */
    public static final int MAX_PORTS = 200;

    /** Messages name the range and what was expected, without a field name: the caller knows the field. */
    public PortRange {
        if (first < 1 || first > 65535 || last < 1 || last > 65535) {
            throw new IllegalArgumentException(first + "-" + last + " (expected: ports in 1-65535)");
        }
        if (first > last) {
            throw new IllegalArgumentException(first + "-" + last + " (expected: first <= last)");
        }
        if (last - first + 1 > MAX_PORTS) {
            throw new IllegalArgumentException(first + "-" + last + " (expected: at most " + MAX_PORTS
                    + " ports, this range has " + (last - first + 1) + ')');
        }
    }

    /**
     * Parses {@code "9400-9599"} or a single port {@code "9400"}; spaces around the numbers are ignored.
     *
     * @throws IllegalArgumentException naming the text and what was expected
     */
    public static PortRange parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("null (expected: a port range such as 9400-9599, or one port)");
        }
        int dash = text.indexOf('-');
        String firstText = dash < 0 ? text.strip() : text.substring(0, dash).strip();
        String lastText = dash < 0 ? firstText : text.substring(dash + 1).strip();
        int first = parsePort(text, firstText);
        int last = parsePort(text, lastText);
        return new PortRange(first, last);
    }

    /** How many ports the range holds. */
    public int size() {
        return last - first + 1;
    }

    /**
     * The port of gateway instance {@code gN}.
     *
     * @param instance 0 to {@code size() - 1}
     */
    public int port(int instance) {
        if (instance < 0 || instance >= size()) {
            throw new IndexOutOfBoundsException("instance: " + instance + " (expected: 0-" + (size() - 1) + ')');
        }
        return first + instance;
    }

    /** The instance N whose port is {@code port}, or -1 when the port lies outside the range. */
    public int instanceOf(int port) {
        return port >= first && port <= last ? port - first : -1;
    }

    /** {@code 9400-9599}, or {@code 9400} for a single port: the form {@link #parse} reads. */
    @Override
    public String toString() {
        return first == last ? Integer.toString(first) : first + "-" + last;
    }

    private static int parsePort(String text, String number) {
        if (number.isEmpty() || number.length() > 5 || !number.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException('"' + text
                    + "\" (expected: a port range such as 9400-9599, or one port)");
        }
        return Integer.parseInt(number);
    }
}
