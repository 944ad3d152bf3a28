package dev.relaysim.relay.common.testing;

import java.util.List;
import java.util.Random;

/**
 * Text mutations for the fuzz properties: a valid input with 1-4 random edits (a character deleted, replaced,
 * inserted, a span duplicated or dropped, the text cut short, or one of the {@code tokens} spliced in), so that
 * most inputs get past the first checks of a parser and into its deeper branches.
 */
public final class Mutations {

    /** Characters that delimit or escape something in the formats under test. */
    private static final String SPECIAL = "%&=;/?#\"\\{}[]:,+ \t\n\r\u0000$.-_~*'@!<>|";

    private Mutations() {
    }

    /** {@code valid} with 1-4 edits, drawn from the same {@link Random}, so a seed reproduces them. */
    public static Gen<String> of(Gen<String> valid, List<String> tokens) {
        return random -> mutate(random, valid.next(random), tokens);
    }

    /** {@code text} with 1-4 random edits. */
    public static String mutate(Random random, String text, List<String> tokens) {
        StringBuilder out = new StringBuilder(text);
        for (int edits = 1 + random.nextInt(4); edits > 0; edits--) {
            int at = random.nextInt(out.length() + 1);
            switch (random.nextInt(7)) {
                case 0 -> {
                    if (at < out.length()) {
                        out.deleteCharAt(at);
                    }
                }
                case 1 -> {
                    if (at < out.length()) {
                        out.setCharAt(at, randomChar(random));
                    }
                }
                case 2 -> out.insert(at, randomChar(random));
                case 3 -> {
                    int end = Math.min(out.length(), at + 1 + random.nextInt(16));
                    out.insert(at, out.substring(at, end));
                }
                case 4 -> out.delete(at, Math.min(out.length(), at + 1 + random.nextInt(16)));
                case 5 -> out.setLength(at);
                default -> out.insert(at, tokens.isEmpty() ? "" : tokens.get(random.nextInt(tokens.size())));
            }
        }
        return out.toString();
    }

    /**
     * {@code text} with 1-4 single-character edits (a character deleted, inserted or replaced), the new characters
     * drawn from {@code alphabet}: the plain mutation of the parsers' "no other exception escapes" tests.
     */
    public static String editWithin(Random random, String text, String alphabet) {
        StringBuilder out = new StringBuilder(text);
        int edits = 1 + random.nextInt(4);
        for (int edit = 0; edit < edits && out.length() > 0; edit++) {
            int at = random.nextInt(out.length());
            char c = alphabet.charAt(random.nextInt(alphabet.length()));
            switch (random.nextInt(3)) {
                case 0 -> out.deleteCharAt(at);
                case 1 -> out.insert(at, c);
                default -> out.setCharAt(at, c);
            }
        }
        return out.toString();
    }

    private static char randomChar(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> SPECIAL.charAt(random.nextInt(SPECIAL.length()));
            case 1 -> (char) (0x20 + random.nextInt(0x5f));
            case 2 -> (char) random.nextInt(0x80);
            default -> (char) random.nextInt(Character.MAX_VALUE + 1);
        };
    }
}
