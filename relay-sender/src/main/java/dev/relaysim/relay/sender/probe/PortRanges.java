package dev.relaysim.relay.sender.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/** Port lists as people write them: {@code 9400-9599} or {@code 9400-9409,9500}. */
final class PortRanges {

    private PortRanges() {
    }

    /**
     * Parses comma-separated ports and {@code FROM-TO} ranges.
     *
     * @throws IllegalArgumentException naming what was expected
     */
    static SortedSet<Integer> parse(String text) {
        requireNonNull(text, "text");
        SortedSet<Integer> ports = new TreeSet<>();
        for (String part : text.split(",", -1)) {
            String item = part.strip();
            int dash = item.indexOf('-');
            int from = port(dash < 0 ? item : item.substring(0, dash), text);
            int to = dash < 0 ? from : port(item.substring(dash + 1), text);
            if (to < from) {
                throw invalid(text);
            }
            for (int port = from; port <= to; port++) {
                ports.add(port);
            }
        }
        return ports;
    }

    /** {@code 9400-9499, 9550}: consecutive ports joined into ranges, ascending. */
    static String format(SortedSet<Integer> ports) {
        requireNonNull(ports, "ports");
        List<String> ranges = new ArrayList<>();
        Integer start = null;
        Integer previous = null;
        for (int port : ports) {
            if (previous != null && port == previous + 1) {
                previous = port;
                continue;
            }
            if (start != null) {
                ranges.add(range(start, previous));
            }
            start = port;
            previous = port;
        }
        if (start != null) {
            ranges.add(range(start, previous));
        }
        return String.join(", ", ranges);
    }

    private static String range(int from, int to) {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }

    private static int port(String text, String whole) {
        try {
            int port = Integer.parseInt(text.strip());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            throw invalid(whole);
        }
        throw invalid(whole);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("--rendezvous-ports: \"" + text
                + "\" (expected: ports and FROM-TO ranges of 1-65535, comma-separated, such as 9400-9599)");
    }
}
