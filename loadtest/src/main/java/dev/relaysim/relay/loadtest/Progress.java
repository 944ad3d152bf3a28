package dev.relaysim.relay.loadtest;

import java.io.PrintWriter;
import java.time.Duration;

/** The live progress line: rewritten in place with {@code \r} on a terminal, else not printed at all. */
final class Progress {

    private final PrintWriter out;
    private final boolean live;
    private int lastLength;

    Progress(PrintWriter out, boolean live) {
        this.out = out;
        this.live = live;
    }

    /** Shows {@code text} for a phase {@code elapsed} into {@code total}. */
    synchronized void show(String phase, Duration elapsed, Duration total, String text) {
        if (!live) {
            return;
        }
        String line = String.format("  %-22s %5.1f/%.0f s  %s", phase, elapsed.toMillis() / 1000.0,
                total.toMillis() / 1000.0, text);
        out.print('\r' + line + " ".repeat(Math.max(0, lastLength - line.length())));
        out.flush();
        lastLength = line.length();
    }

    /** Ends the line with {@code summary}. */
    synchronized void done(String phase, String summary) {
        if (live) {
            out.print('\r' + " ".repeat(lastLength) + '\r');
            lastLength = 0;
        }
        out.println("  " + phase + ": " + summary);
        out.flush();
    }
}
