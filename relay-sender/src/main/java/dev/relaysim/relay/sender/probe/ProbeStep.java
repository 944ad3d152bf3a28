package dev.relaysim.relay.sender.probe;

import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * One checked step and what came of it.
 *
 * @param name    short name: {@code dns}, {@code front-end}, {@code rendezvous-ports}, {@code handshake},
 *                {@code round-trip}
 * @param verdict whether it passed
 * @param detail  what was found, in words
 */
public record ProbeStep(String name, Verdict verdict, String detail) {

    /** A step's outcome; {@link #SKIP} (not applicable, or not reachable after an earlier failure) is no failure. */
    public enum Verdict {
        PASS, FAIL, SKIP;

        /** {@code pass}, {@code fail} or {@code skip}, as the JSON output spells it. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ProbeStep {
        requireNonNull(name, "name");
        requireNonNull(verdict, "verdict");
        requireNonNull(detail, "detail");
    }

    static ProbeStep pass(String name, String detail) {
        return new ProbeStep(name, Verdict.PASS, detail);
    }

    static ProbeStep fail(String name, String detail) {
        return new ProbeStep(name, Verdict.FAIL, detail);
    }

    static ProbeStep skip(String name, String detail) {
        return new ProbeStep(name, Verdict.SKIP, detail);
    }

    public boolean failed() {
        return verdict == Verdict.FAIL;
    }
}
