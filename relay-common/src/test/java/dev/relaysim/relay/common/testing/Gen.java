package dev.relaysim.relay.common.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A generator of fuzz inputs: a function of a {@link Random}, so that one seed makes the same input again. The
 * factories and combinators here are the few the fuzz properties use; anything else is a lambda
 * ({@code random -> new Thing(a.next(random), b.next(random))}).
 *
 * <p>Numbers and sizes are drawn uniformly, except that one draw in eight is an edge: the lower or upper bound, or
 * zero where the range holds it.
 */
@FunctionalInterface
public interface Gen<T> {

    /** Letters, as in an entity or host name. */
    String ALPHA = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    T next(Random random);

    default <R> Gen<R> map(Function<? super T, ? extends R> mapper) {
        return random -> mapper.apply(next(random));
    }

    /** Only the values that pass {@code accepted}; gives up after 1000 draws in a row that do not. */
    default Gen<T> filter(Predicate<? super T> accepted) {
        return random -> {
            for (int draw = 0; draw < 1000; draw++) {
                T value = next(random);
                if (accepted.test(value)) {
                    return value;
                }
            }
            throw new IllegalStateException("filter accepted none of 1000 values in a row");
        };
    }

    /** {@code null} with the given probability, else a value of this generator. */
    default Gen<T> orNull(double probability) {
        return random -> random.nextDouble() < probability ? null : next(random);
    }

    /** Lists of {@code min} to {@code max} values of this generator. */
    default Gen<List<T>> list(int min, int max) {
        Gen<Integer> size = ints(min, max);
        return random -> {
            int n = size.next(random);
            List<T> values = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                values.add(next(random));
            }
            return values;
        };
    }

    static <T> Gen<T> constant(T value) {
        return random -> value;
    }

    static Gen<Boolean> booleans() {
        return Random::nextBoolean;
    }

    static Gen<Integer> ints(int min, int max) {
        return longs(min, max).map(Long::intValue);
    }

    static Gen<Long> longs(long min, long max) {
        if (min > max) {
            throw new IllegalArgumentException("min " + min + " > max " + max);
        }
        return random -> switch (random.nextInt(24)) {
            case 0 -> min;
            case 1 -> max;
            case 2 -> Math.max(min, Math.min(max, 0L));
            default -> {
                long span = max - min + 1;
                long value = span > 0 ? min + random.nextLong(span) : random.nextLong();
                while (value < min || value > max) {
                    value = random.nextLong();
                }
                yield value;
            }
        };
    }

    /** One of {@code values}, each as likely. */
    static <T> Gen<T> elements(List<? extends T> values) {
        List<? extends T> copy = List.copyOf(values);
        return random -> copy.get(random.nextInt(copy.size()));
    }

    @SafeVarargs
    static <T> Gen<T> elements(T... values) {
        return elements(List.of(values));
    }

    /** A value of one of {@code gens}, each as likely. */
    @SafeVarargs
    static <T> Gen<T> oneOf(Gen<? extends T>... gens) {
        List<Gen<? extends T>> choices = List.of(gens);
        return random -> choices.get(random.nextInt(choices.size())).next(random);
    }

    /** Maps of up to {@code maxSize} entries (fewer where keys repeat). */
    static <K, V> Gen<Map<K, V>> maps(Gen<K> keys, Gen<V> values, int maxSize) {
        Gen<Integer> size = ints(0, maxSize);
        return random -> {
            Map<K, V> map = new LinkedHashMap<>();
            for (int n = size.next(random); n > 0; n--) {
                map.put(keys.next(random), values.next(random));
            }
            return map;
        };
    }

    /** Text of {@code min} to {@code max} UTF-16 chars from {@link #anyChar}: any text, surrogates included. */
    static Gen<String> strings(int min, int max) {
        return strings(Gen::anyChar, min, max);
    }

    /** Like {@link #strings(int, int)}, but well-formed UTF-16: a lone surrogate is replaced by '?'. */
    static Gen<String> text(int min, int max) {
        return strings(min, max).map(text -> {
            StringBuilder out = new StringBuilder(text);
            for (int i = 0; i < out.length(); i++) {
                char c = out.charAt(i);
                boolean pair = i + 1 < out.length() && Character.isLowSurrogate(out.charAt(i + 1));
                if (Character.isHighSurrogate(c) && pair) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    out.setCharAt(i, '?');
                }
            }
            return out.toString();
        });
    }

    /** Text of {@code min} to {@code max} chars of {@code alphabet}. */
    static Gen<String> strings(String alphabet, int min, int max) {
        return strings(random -> alphabet.charAt(random.nextInt(alphabet.length())), min, max);
    }

    /** Text of {@code min} to {@code max} chars of {@code chars}; a high surrogate is half the time made a pair. */
    static Gen<String> strings(Gen<Character> chars, int min, int max) {
        Gen<Integer> length = ints(min, max);
        return random -> {
            int n = length.next(random);
            StringBuilder out = new StringBuilder(n);
            while (out.length() < n) {
                char c = chars.next(random);
                out.append(c);
                if (Character.isHighSurrogate(c) && out.length() < n && random.nextBoolean()) {
                    out.append((char) (Character.MIN_LOW_SURROGATE + random.nextInt(0x400)));
                }
            }
            return out.toString();
        };
    }

    /** The concatenation of up to {@code maxParts} of {@code tokens}: text made of a format's own pieces. */
    static Gen<String> concat(List<String> tokens, int maxParts) {
        return elements(tokens).list(0, maxParts).map(parts -> String.join("", parts));
    }

    /**
     * One char: mostly printable ASCII, else a control char, a Latin-1 or any other BMP char, or a surrogate (which
     * {@link #strings(Gen, int, int)} half the time makes a pair, so text has both lone surrogates and pairs).
     */
    static char anyChar(Random random) {
        return switch (random.nextInt(10)) {
            case 0, 1, 2, 3, 4 -> (char) (0x20 + random.nextInt(0x5f));
            case 5 -> random.nextInt(8) == 0 ? '\u007f' : (char) random.nextInt(0x20);
            case 6 -> (char) (0xa0 + random.nextInt(0x60));
            case 7 -> (char) (0xd800 + random.nextInt(0x800));
            default -> (char) random.nextInt(Character.MAX_VALUE + 1);
        };
    }
}
