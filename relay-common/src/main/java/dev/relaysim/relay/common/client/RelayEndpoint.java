package dev.relaysim.relay.common.client;

import dev.relaysim.relay.common.auth.SharedAccessSignature;
import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.common.protocol.EntityPaths;
import dev.relaysim.relay.common.protocol.HcAction;
import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import dev.relaysim.relay.common.protocol.PercentCodec;

import java.net.URI;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * Where a hybrid connection lives: scheme, host, port and entity path, and the WebSocket URIs and
 * SAS audience derived from them.
 *
 * @param secure     {@code wss} ({@code true}) or {@code ws}
 * @param host       host name or IP literal (IPv6 without brackets)
 * @param port       1-65535
 * @param entityPath the hybrid connection's path, without leading or trailing {@code '/'}
 */
public record RelayEndpoint(boolean secure, String host, int port, String entityPath) {

    private static final int DEFAULT_TLS_PORT = 443;
    private static final int DEFAULT_PLAIN_PORT = 80;

    public RelayEndpoint {
        requireNonNull(host, "host");
        requireNonNull(entityPath, "entityPath");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host: '' (expected: a host name or IP address)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
        if (entityPath.isEmpty() || entityPath.startsWith("/") || entityPath.endsWith("/")) {
            throw new IllegalArgumentException("entityPath: '" + entityPath
                    + "' (expected: a path without leading or trailing '/')");
        }
    }

    /** The endpoint of a connection string: always {@code wss}, the {@code sb://} host and port (443 if none). */
    public static RelayEndpoint of(ConnectionString connectionString) {
        requireNonNull(connectionString, "connectionString");
        if (connectionString.entityPath() == null) {
            throw new IllegalArgumentException("connection string " + connectionString
                    + " has no EntityPath (expected: EntityPath=<hybrid connection>)");
        }
        return of(connectionString.endpoint(), connectionString.entityPath());
    }

    /**
     * An endpoint from a namespace URI: {@code sb://}, {@code wss://} or {@code https://} mean
     * TLS, {@code ws://} or {@code http://} plain; the port defaults to the scheme's.
     */
    public static RelayEndpoint of(URI namespace, String entityPath) {
        requireNonNull(namespace, "namespace");
        requireNonNull(entityPath, "entityPath");
        String scheme = namespace.getScheme() == null ? "" : namespace.getScheme().toLowerCase(Locale.ROOT);
        boolean secure;
        switch (scheme) {
            case "sb", "wss", "https" -> secure = true;
            case "ws", "http" -> secure = false;
            default -> throw new IllegalArgumentException("namespace: " + namespace
                    + " (expected: sb://, wss://, ws://, https:// or http://)");
        }
        if (namespace.getHost() == null) {
            throw new IllegalArgumentException("namespace: " + namespace + " (expected: a host)");
        }
        String host = namespace.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = namespace.getPort() != -1 ? namespace.getPort() : secure ? DEFAULT_TLS_PORT : DEFAULT_PLAIN_PORT;
        return new RelayEndpoint(secure, host, port, EntityPaths.trimSlashes(entityPath));
    }

    /**
     * {@code ws[s]://host:port/$hc/<entityPath>?sb-hc-action=<action>&sb-hc-id=<id>}, each path segment
     * percent-encoded.
     */
    public URI webSocketUri(HcAction action, String id) {
        requireNonNull(action, "action");
        requireNonNull(id, "id");
        StringBuilder uri = new StringBuilder(secure ? "wss://" : "ws://").append(authority()).append('/')
                .append(HybridConnectionConstants.HC_SEGMENT);
        for (String segment : entityPath.split("/", -1)) {
            uri.append('/').append(PercentCodec.encode(segment));
        }
        uri.append('?').append(HybridConnectionConstants.ACTION).append('=').append(action.wireName())
                .append('&').append(HybridConnectionConstants.ID).append('=').append(PercentCodec.encode(id));
        return URI.create(uri.toString());
    }

    /** The SAS audience the .NET SDK uses: {@code http://<host>/<entityPath>/}. */
    public String audience() {
        return SharedAccessSignature.audienceFor(host, entityPath);
    }

    /** {@code host:port}, with brackets around an IPv6 literal. */
    public String authority() {
        return (host.indexOf(':') >= 0 ? '[' + host + ']' : host) + ':' + port;
    }

    /** How people write it: {@code sb://localhost:9443/echo} (or {@code ws://...} when plain). */
    @Override
    public String toString() {
        return (secure ? "sb://" : "ws://") + authority() + '/' + entityPath;
    }

}
