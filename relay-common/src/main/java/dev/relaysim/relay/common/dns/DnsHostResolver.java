package dev.relaysim.relay.common.dns;

import io.netty.util.NetUtil;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import static java.util.Objects.requireNonNull;

/**
 * Resolves host names to IPv4 addresses by asking one DNS server (UDP, TCP when truncated), following CNAMEs, with
 * no cache and no search path. Queries leave from the source address when one is given, as they would from a
 * machine with that address. Thread-safe.
 */
public final class DnsHostResolver {

    /** How long one query waits for the server. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final InetSocketAddress server;
    private final LookupSession session;

    /**
     * @param server        the DNS server, e.g. {@code 127.0.0.1:1053}
     * @param sourceAddress the local address queries leave from; {@code null} lets the system choose
     */
    public DnsHostResolver(InetSocketAddress server, @Nullable InetAddress sourceAddress) {
        this.server = requireNonNull(server, "server");
        if (server.isUnresolved()) {
            throw new IllegalArgumentException("server: " + server + " (expected: an IP address and port)");
        }
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTimeout(DEFAULT_TIMEOUT);
        if (sourceAddress != null) {
            resolver.setLocalAddress(new InetSocketAddress(sourceAddress, 0));
        }
        session = LookupSession.builder().resolver(resolver).build();
    }

    /**
     * Parses {@code host:port} (an IP address, {@code [v6]:port} for IPv6), as given to {@code --dns}.
     *
     * @throws IllegalArgumentException naming what was expected
     */
    public static InetSocketAddress parseServer(String value) {
        requireNonNull(value, "value");
        String text = value.strip();
        int colon = text.lastIndexOf(':');
        String host = colon > 0 ? text.substring(0, colon) : "";
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(host);
        int port = -1;
        try {
            port = colon > 0 ? Integer.parseInt(text.substring(colon + 1)) : -1;
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (address == null || port < 1 || port > 65535) {
            throw new IllegalArgumentException("--dns: \"" + value
                    + "\" (expected: IP:PORT of a DNS server, such as 127.0.0.1:1053)");
        }
        return new InetSocketAddress(address, port);
    }

    /** The server asked. */
    public InetSocketAddress server() {
        return server;
    }

    /**
     * Resolves {@code host}; an IP literal resolves to itself without a query.
     *
     * @return completes with the answer, or exceptionally with an {@link UnknownHostException} saying what the server
     *         answered (no such name, no address) or that it did not answer
     */
    public CompletableFuture<DnsResolution> resolve(String host) {
        requireNonNull(host, "host");
        String bare = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        InetAddress literal = NetUtil.createInetAddressFromIpAddressString(bare);
        if (literal != null) {
            return CompletableFuture.completedFuture(new DnsResolution(bare, List.of(bare), List.of(literal), 0));
        }
        Name name;
        try {
            name = Name.fromString(bare + '.');
        } catch (TextParseException e) {
            return CompletableFuture.failedFuture(unknownHost(bare, "not a valid host name", e));
        }
        CompletableFuture<DnsResolution> result = new CompletableFuture<>();
        session.lookupAsync(name, Type.A, DClass.IN).whenComplete((answer, failure) -> {
            if (failure != null) {
                result.completeExceptionally(describe(bare, unwrap(failure)));
                return;
            }
            try {
                result.complete(resolution(bare, answer));
            } catch (UnknownHostException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** Resolves {@code host} and pairs the first address with {@code port}. */
    public CompletableFuture<InetSocketAddress> resolve(String host, int port) {
        return resolve(host).thenApply(resolution -> new InetSocketAddress(resolution.address(), port));
    }

    @Override
    public String toString() {
        return "DnsHostResolver[" + NetUtil.toSocketAddressString(server) + ']';
    }

    private DnsResolution resolution(String host, LookupResult answer) throws UnknownHostException {
        List<InetAddress> addresses = new ArrayList<>();
        Name owner = null;
        long ttl = 0;
        for (Record record : answer.getRecords()) {
            if (record instanceof ARecord a) {
                addresses.add(a.getAddress());
                owner = a.getName();
                ttl = a.getTTL();
            }
        }
        if (addresses.isEmpty()) {
            throw unknownHost(host, "no address record", null);
        }
        List<String> chain = new ArrayList<>();
        chain.add(host);
        for (Name alias : answer.getAliases()) {
            add(chain, alias);
        }
        add(chain, owner);
        return new DnsResolution(host, chain, addresses, ttl);
    }

    private static void add(List<String> chain, Name name) {
        String text = name.toString(true);
        if (!chain.get(chain.size() - 1).equalsIgnoreCase(text)) {
            chain.add(text);
        }
    }

    private UnknownHostException describe(String host, Throwable failure) {
        if (failure instanceof NoSuchDomainException) {
            return unknownHost(host, "no such name (NXDOMAIN)", failure);
        }
        if (failure instanceof NoSuchRRSetException) {
            return unknownHost(host, "no address record", failure);
        }
        return unknownHost(host, "no answer ("
                + (failure.getMessage() == null ? failure.toString() : failure.getMessage()) + ')',
                failure);
    }

    private UnknownHostException unknownHost(String host, String reason, Throwable cause) {
        UnknownHostException exception = new UnknownHostException(host + ": " + reason + " from the DNS server "
                + NetUtil.toSocketAddressString(server));
        if (cause != null) {
            exception.initCause(cause);
        }
        return exception;
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
