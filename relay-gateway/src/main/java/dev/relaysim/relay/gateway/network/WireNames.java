package dev.relaysim.relay.gateway.network;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/** The lookup the ARM-shaped enums of this package share: a wire name, read case-insensitively as ARM does. */
final class WireNames {
    private WireNames() {
    }

    /**
     * The value whose wire name is {@code text} (ignoring case), else an {@link IllegalArgumentException} in the
     * project's form, listing the wire names: {@code "Block" (expected: Allow or Deny)}.
     */
    static <E extends Enum<E>> E parse(E[] values, Function<E, String> wireName, String text) {
        for (E value : values) {
            if (wireName.apply(value).equalsIgnoreCase(text)) {
                return value;
            }
        }
        List<String> names = Arrays.stream(values).map(wireName).toList();
        String expected = names.size() == 1 ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
        throw new IllegalArgumentException('"' + text + "\" (expected: " + expected + ")");
    }
}
