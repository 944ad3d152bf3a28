package dev.relaysim.relay.gateway.internal.management;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A route's path: literal segments and {@code {name}} segments that match any one non-empty segment, such as
 * {@code /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}}. Literal segments match ignoring case,
 * as Azure Resource Manager's do; a trailing slash or an empty segment does not match.
 */
public final class PathPattern {

    private final String template;
    private final List<String> segments;

    private PathPattern(String template, List<String> segments) {
        this.template = template;
        this.segments = segments;
    }

    /**
     * @throws IllegalArgumentException for a template that does not start with {@code /}, has an empty segment, or
     *         repeats a parameter name
     */
    public static PathPattern parse(String template) {
        requireNonNull(template, "template");
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("template: \"" + template + "\" (expected: a path starting with /)");
        }
        List<String> segments = template.equals("/") ? List.of() : List.of(template.substring(1).split("/", -1));
        List<String> names = new ArrayList<>();
        for (String segment : segments) {
            if (segment.isEmpty()) {
                throw new IllegalArgumentException("template: \"" + template + "\" (expected: no empty segment)");
            }
            if (isParameter(segment)) {
                String name = segment.substring(1, segment.length() - 1);
                if (name.isEmpty() || names.contains(name)) {
                    throw new IllegalArgumentException("template: \"" + template
                            + "\" (expected: unique, non-empty parameter names)");
                }
                names.add(name);
            }
        }
        return new PathPattern(template, segments);
    }

    /** The parameters by name if {@code path} matches, else empty. */
    public Optional<Map<String, String>> match(String path) {
        requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            return Optional.empty();
        }
        String[] parts = path.equals("/") ? new String[0] : path.substring(1).split("/", -1);
        if (parts.length != segments.size()) {
            return Optional.empty();
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < parts.length; i++) {
            String segment = segments.get(i);
            if (parts[i].isEmpty()) {
                return Optional.empty();
            }
            if (isParameter(segment)) {
                parameters.put(segment.substring(1, segment.length() - 1), parts[i]);
            } else if (!segment.equalsIgnoreCase(parts[i])) {
                return Optional.empty();
            }
        }
        return Optional.of(parameters);
    }

    @Override
    public String toString() {
        return template;
    }

    private static boolean isParameter(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }
}
