package dev.relaysim.relay.gateway.internal.management.console;

import dev.relaysim.relay.gateway.internal.management.ManagementRequest;
import dev.relaysim.relay.gateway.internal.management.ManagementResponse;
import dev.relaysim.relay.gateway.internal.management.ManagementRoutes;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The web console's static files, served from the class path ({@code /console/*} in the gateway's resources, plain
 * JavaScript modules and CSS without a build step): {@code GET /} is {@code index.html}, {@code GET /console/<file>}
 * the file. Only names of lower-case letters, digits and dashes with a known extension are looked up, so that no
 * path reaches another resource; anything else, or a file that is not there, is 404 {@code NotFound}. Files are
 * read once and kept; {@code Cache-Control: no-cache} makes the browser revalidate them after an upgrade.
 */
public final class ConsoleAssets {

    /** The route of the console's files; {@code /} is the other. */
    public static final String ASSET_ROUTE = "/console/{file}";

    private static final String RESOURCE_DIRECTORY = "/console/";
    private static final String INDEX = "index.html";
    private static final Pattern ASSET_PATH = Pattern.compile("/console/([a-z0-9-]+\\.(html|js|css|svg))");
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml");

    private final Map<String, Optional<byte[]>> files = new ConcurrentHashMap<>();

    /** Whether {@code path} names a console file (which may still not exist): {@code /} or {@code /console/x.js}. */
    public static boolean isAsset(String path) {
        return path.equals("/") || ASSET_PATH.matcher(path).matches();
    }

    /** Adds {@code GET /} and {@code GET /console/{file}}. */
    public ManagementRoutes.Builder addRoutes(ManagementRoutes.Builder routes) {
        return routes.route(HttpMethod.GET, "/", request -> serve(INDEX))
                .route(HttpMethod.GET, ASSET_ROUTE, this::asset);
    }

    private ManagementResponse asset(ManagementRequest request) {
        Matcher matcher = ASSET_PATH.matcher(request.path());
        if (!matcher.matches()) {
            return notFound(request.path());
        }
        return serve(matcher.group(1));
    }

    private ManagementResponse serve(String name) {
        Optional<byte[]> body = files.computeIfAbsent(name, ConsoleAssets::read);
        if (body.isEmpty()) {
            return notFound(RESOURCE_DIRECTORY + name);
        }
        String extension = name.substring(name.lastIndexOf('.') + 1);
        return new ManagementResponse(HttpResponseStatus.OK, CONTENT_TYPES.get(extension), body.get(), Map.of())
                .withHeader(HttpHeaderNames.CACHE_CONTROL.toString(), "no-cache");
    }

    private static ManagementResponse notFound(String path) {
        return ManagementResponse.error(HttpResponseStatus.NOT_FOUND, "NotFound", "The console has no file " + path
                + '.');
    }

    private static Optional<byte[]> read(String name) {
        try (InputStream in = ConsoleAssets.class.getResourceAsStream(RESOURCE_DIRECTORY + name)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("reading the console file " + RESOURCE_DIRECTORY + name, e);
        }
    }
}
