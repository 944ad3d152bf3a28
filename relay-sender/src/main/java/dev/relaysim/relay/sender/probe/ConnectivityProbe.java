package dev.relaysim.relay.sender.probe;

import dev.relaysim.relay.common.cli.ClientOptions;
import dev.relaysim.relay.common.client.ConnectFailures;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayEndpoint;
import dev.relaysim.relay.common.client.RelayHandshakeException;
import dev.relaysim.relay.common.client.RelayMessage;
import dev.relaysim.relay.common.dns.DnsResolution;
import dev.relaysim.relay.common.pipeline.HandlerNames;
import dev.relaysim.relay.common.tls.SslContexts;
import dev.relaysim.relay.common.transport.EventLoops;
import dev.relaysim.relay.listener.HybridConnectionListener;
import dev.relaysim.relay.sender.HybridConnectionClient;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * Runs the probe's five checks against one hybrid connection, in order, from one source address. It decides only
 * from DNS answers and what connections return, so pointed at a real namespace it diagnoses Azure Relay itself.
 * Not thread-safe; one run per instance.
 */
public final class ConnectivityProbe implements AutoCloseable {

    /** Which side to check: a listener also needs the rendezvous ports, a sender does not. */
    public enum Role { LISTENER, SENDER }

    /** The steps and a one-line verdict in words. */
    public record Report(List<ProbeStep> steps, String summary) {

        public Report {
            steps = List.copyOf(requireNonNull(steps, "steps"));
            requireNonNull(summary, "summary");
        }

        /** Whether no step failed. */
        public boolean passed() {
            return steps.stream().noneMatch(ProbeStep::failed);
        }
    }

    static final String DNS = "dns";
    static final String FRONT_END = "front-end";
    static final String RENDEZVOUS = "rendezvous-ports";
    static final String HANDSHAKE = "handshake";
    static final String ROUND_TRIP = "round-trip";

    private static final String IP_REFUSED = "Ip has been prevented";
    private static final String NO_LISTENERS = "There are no listeners";
    private static final String PRIVATE_LINK_LABEL = ".privatelink.";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration PORT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration ECHO_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

    private enum Chain { PRIVATE, PUBLIC, LITERAL, SYSTEM }

    private record Resolved(ProbeStep step, InetAddress address, Chain chain) {
    }

    private record PortResult(int port, String failure, long connectNanos, long tlsNanos) {

        boolean reachable() {
            return failure == null;
        }
    }

    private final ClientOptions.Target target;
    private final RelayEndpoint endpoint;
    private final Role role;
    private final SortedSet<Integer> rendezvousPorts;
    private final EventLoopGroup group = EventLoops.newGroup("relay-probe", 2);
    private HybridConnectionListener listener;
    /** How the host resolved; set before the handshake, whose refusal reads differently through a private endpoint. */
    private Chain chain = Chain.SYSTEM;

    /**
     * @param target          what to probe and from where (connection string, trust, source address, DNS server)
     * @param rendezvousPorts the ports a listener must reach, normally 9400-9599
     */
    public ConnectivityProbe(ClientOptions.Target target, Role role, SortedSet<Integer> rendezvousPorts) {
        this.target = requireNonNull(target, "target");
        this.endpoint = target.endpoint();
        this.role = requireNonNull(role, "role");
        this.rendezvousPorts = new TreeSet<>(requireNonNull(rendezvousPorts, "rendezvousPorts"));
    }

    /** Runs every step; blocks for a few seconds. */
    public Report run() throws InterruptedException {
        List<ProbeStep> steps = new ArrayList<>();
        Resolved resolved = resolve();
        if (resolved.address() == null) {
            steps.add(resolved.step());
            String reason = "no address for " + endpoint.host();
            steps.add(ProbeStep.skip(FRONT_END, reason));
            steps.add(ProbeStep.skip(RENDEZVOUS, reason));
            steps.add(ProbeStep.skip(HANDSHAKE, reason));
            steps.add(ProbeStep.skip(ROUND_TRIP, reason));
            return report(steps, resolved);
        }
        chain = resolved.chain();
        ProbeStep frontEnd = frontEnd(resolved.address());
        ProbeStep ports = role == Role.LISTENER ? rendezvousPorts(resolved.address())
                : ProbeStep.skip(RENDEZVOUS,
                        "senders do not dial rendezvous ports (use --role listener to check them)");
        ProbeStep handshake;
        ProbeStep roundTrip;
        if (frontEnd.failed()) {
            handshake = ProbeStep.skip(HANDSHAKE, "the front end is unreachable");
            roundTrip = ProbeStep.skip(ROUND_TRIP, "the front end is unreachable");
        } else {
            handshake = role == Role.LISTENER ? listenerHandshake() : senderHandshake();
            roundTrip = handshake.failed() ? ProbeStep.skip(ROUND_TRIP, "the handshake failed") : roundTrip();
        }
        steps.add(fit(resolved, frontEnd, handshake));
        steps.add(frontEnd);
        steps.add(ports);
        steps.add(handshake);
        steps.add(roundTrip);
        return report(steps, resolved);
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close();
        }
        EventLoops.shutdown(group, SHUTDOWN_TIMEOUT);
    }

    private Report report(List<ProbeStep> steps, Resolved resolved) {
        ProbeStep firstFailure = steps.stream().filter(ProbeStep::failed).findFirst().orElse(null);
        String role = this.role.name().toLowerCase(Locale.ROOT);
        if (firstFailure == null) {
            String path = switch (resolved.chain()) {
                case PRIVATE -> "through the private endpoint at " + resolved.address().getHostAddress();
                case PUBLIC -> "over the public endpoint at " + resolved.address().getHostAddress();
                case LITERAL, SYSTEM -> "at " + resolved.address().getHostAddress();
            };
            return new Report(steps, "Ready: this machine can use " + endpoint + " as a " + role + ' ' + path + '.');
        }
        long failures = steps.stream().filter(ProbeStep::failed).count();
        return new Report(steps, "Not ready as a " + role + ": " + failures + (failures == 1 ? " check" : " checks")
                + " failed; first " + firstFailure.name() + ": " + firstFailure.detail());
    }

    private Resolved resolve() throws InterruptedException {
        String host = endpoint.host();
        InetAddress literal = NetUtil.createInetAddressFromIpAddressString(host);
        if (literal != null) {
            return new Resolved(ProbeStep.skip(DNS, "the endpoint is the IP address " + host + "; nothing to resolve"),
                    literal, Chain.LITERAL);
        }
        if (target.resolver() == null) {
            try {
                InetAddress address = InetAddress.getByName(host);
                return new Resolved(ProbeStep.pass(DNS, "system resolver: " + host + " = " + address.getHostAddress()
                        + " (pass --dns IP:PORT to see the CNAME chain)"), address, Chain.SYSTEM);
            } catch (UnknownHostException e) {
                return new Resolved(ProbeStep.fail(DNS, "the system resolver has no address for " + host), null,
                        Chain.SYSTEM);
            }
        }
        try {
            DnsResolution resolution = target.resolver().resolve(host).get();
            boolean privateChain = resolution.canonicalName().toLowerCase(Locale.ROOT).contains(PRIVATE_LINK_LABEL);
            String detail = (privateChain ? "private" : "public") + " chain: " + resolution + " (TTL "
                    + resolution.ttl() + ')';
            return new Resolved(ProbeStep.pass(DNS, detail), resolution.address(), privateChain
                    ? Chain.PRIVATE : Chain.PUBLIC);
        } catch (ExecutionException e) {
            return new Resolved(ProbeStep.fail(DNS, ConnectFailures.unwrap(e).getMessage()), null, Chain.PUBLIC);
        }
    }

    /**
     * The DNS step's verdict, now that the connections show whether the address fits this source. A private chain
     * whose address refuses this source is the endpoint's doing (the handshake says so), not DNS's; one whose address
     * does not answer at all is a stale record.
     */
    private ProbeStep fit(Resolved resolved, ProbeStep frontEnd, ProbeStep handshake) {
        ProbeStep step = resolved.step();
        boolean refused = frontEnd.failed() || handshake.detail().contains(IP_REFUSED);
        if (!refused || step.failed()) {
            return step;
        }
        return switch (resolved.chain()) {
            case PRIVATE -> frontEnd.failed()
                    ? ProbeStep.fail(DNS, step.detail() + "; nothing answers at this private endpoint address: a stale"
                            + " A record (the endpoint was deleted or has another address now; compare the private DNS"
                            + " zone's record with the endpoint's IP), or port " + endpoint.port()
                            + " is blocked on the way")
                    : step;
            case PUBLIC -> ProbeStep.fail(DNS, step.detail() + "; this is the public address, and the namespace refuses"
                    + " this source's public traffic (public network access Disabled, or no IP rule admits it): from"
                    + " the virtual network, the name must resolve to the private endpoint (private DNS zone"
                    + " privatelink.servicebus.windows.net linked to the network, with the endpoint's A record)");
            case LITERAL, SYSTEM -> step;
        };
    }

    private ProbeStep frontEnd(InetAddress address) throws InterruptedException {
        PortResult result = join(check(address, endpoint.port(), CONNECT_TIMEOUT));
        String where = NetUtil.toSocketAddressString(new InetSocketAddress(address, endpoint.port()));
        if (!result.reachable()) {
            return ProbeStep.fail(FRONT_END, where + ": " + result.failure());
        }
        String tls = endpoint.secure()
                ? String.format(Locale.ROOT, ", TLS as %s in %.1f ms", endpoint.host(), millis(result.tlsNanos()))
                : " (plain, no TLS)";
        return ProbeStep.pass(FRONT_END, String.format(Locale.ROOT, "%s: TCP in %.1f ms", where,
                millis(result.connectNanos())) + tls);
    }

    private ProbeStep rendezvousPorts(InetAddress address) throws InterruptedException {
        List<CompletableFuture<PortResult>> checks = new ArrayList<>();
        for (int port : rendezvousPorts) {
            checks.add(check(address, port, PORT_TIMEOUT));
        }
        Map<String, SortedSet<Integer>> blocked = new TreeMap<>();
        for (CompletableFuture<PortResult> check : checks) {
            PortResult result = join(check);
            if (!result.reachable()) {
                blocked.computeIfAbsent(result.failure(), reason -> new TreeSet<>()).add(result.port());
            }
        }
        String range = PortRanges.format(rendezvousPorts);
        String at = address.getHostAddress();
        if (blocked.isEmpty()) {
            return ProbeStep.pass(RENDEZVOUS, "all " + rendezvousPorts.size() + " ports " + range + " on " + at
                    + " reachable");
        }
        List<String> parts = new ArrayList<>();
        int count = 0;
        SortedSet<Integer> all = new TreeSet<>();
        for (Map.Entry<String, SortedSet<Integer>> entry : blocked.entrySet()) {
            parts.add(PortRanges.format(entry.getValue()) + " (" + entry.getKey() + ')');
            count += entry.getValue().size();
            all.addAll(entry.getValue());
        }
        return ProbeStep.fail(RENDEZVOUS, count + " of " + rendezvousPorts.size() + " ports on " + at + " blocked: "
                + String.join("; ", parts) + " — a listener must reach all of " + range + " (outbound), or the"
                + " senders whose rendezvous lands on " + PortRanges.format(all) + " fail");
    }

    private ProbeStep listenerHandshake() throws InterruptedException {
        if (!target.connectionString().hasCredentials()) {
            return ProbeStep.fail(HANDSHAKE, "the connection string has no SharedAccessKeyName and SharedAccessKey");
        }
        HybridConnectionListener.Builder builder = HybridConnectionListener.builder()
                .connectionString(target.connectionString())
                .sslContext(target.sslContext())
                .eventLoopGroup(group)
                .connectTimeout(HANDSHAKE_TIMEOUT)
                .connectionHandler((accept, connection) -> connection.setHandler(connection::send));
        if (target.sourceAddress() != null) {
            builder.sourceAddress(target.sourceAddress());
        }
        if (target.resolver() != null) {
            builder.resolver(target.resolver());
        }
        listener = builder.build();
        long start = System.nanoTime();
        try {
            listener.open().get(HANDSHAKE_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
            return ProbeStep.pass(HANDSHAKE, String.format(Locale.ROOT,
                    "listener control channel open in %.1f ms (token accepted, Listen right)",
                    millis(System.nanoTime() - start)));
        } catch (ExecutionException | TimeoutException e) {
            return ProbeStep.fail(HANDSHAKE, explain(e, "Listen"));
        }
    }

    private ProbeStep senderHandshake() throws InterruptedException {
        if (!target.connectionString().hasCredentials()) {
            return ProbeStep.fail(HANDSHAKE, "the connection string has no SharedAccessKeyName and SharedAccessKey");
        }
        try (HybridConnectionClient client = newClient()) {
            long start = System.nanoTime();
            try {
                RelayConnection connection = client.connect().get(HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                connection.close(1000, "probe done");
                return ProbeStep.pass(HANDSHAKE, String.format(Locale.ROOT,
                        "sender connected to a listener in %.1f ms (token accepted, Send right)",
                        millis(System.nanoTime() - start)));
            } catch (ExecutionException e) {
                if (ConnectFailures.unwrap(e) instanceof RelayHandshakeException refused && refused.statusCode() == 404
                        && refused.description().startsWith(NO_LISTENERS)) {
                    return ProbeStep.pass(HANDSHAKE, "token accepted (Send right); no listener is online right now");
                }
                return ProbeStep.fail(HANDSHAKE, explain(e, "Send"));
            } catch (TimeoutException e) {
                return ProbeStep.fail(HANDSHAKE, explain(e, "Send"));
            }
        }
    }

    private ProbeStep roundTrip() throws InterruptedException {
        if (role == Role.SENDER) {
            ProbeStep listening = listenerHandshake();
            if (listening.failed()) {
                return ProbeStep.skip(ROUND_TRIP, "the probe could not open its own listener: " + listening.detail());
            }
        }
        try (HybridConnectionClient client = newClient()) {
            String payload = "relaysim-probe " + UUID.randomUUID();
            long start = System.nanoTime();
            RelayConnection connection;
            try {
                connection = client.connect().get(HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                return ProbeStep.fail(ROUND_TRIP, "the sender could not connect through a rendezvous: "
                        + explain(e, "Send"));
            }
            long connected = System.nanoTime();
            try {
                connection.sendText(payload).get(ECHO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                RelayMessage echo = connection.receive(ECHO_TIMEOUT);
                long echoed = System.nanoTime();
                if (!echo.isText() || !payload.equals(echo.asText())) {
                    return ProbeStep.fail(ROUND_TRIP,
                            "connected, but the answer was not the probe's echo (another listener"
                            + " on the hybrid connection may have taken the connection)");
                }
                return ProbeStep.pass(ROUND_TRIP, String.format(Locale.ROOT,
                        "sender -> rendezvous -> listener and back: connect %.1f ms, message round trip %.1f ms",
                        millis(connected - start), millis(echoed - connected)));
            } catch (ExecutionException | TimeoutException e) {
                return ProbeStep.fail(ROUND_TRIP, "connected, but no echo within " + ECHO_TIMEOUT.toSeconds() + " s ("
                        + ConnectFailures.describe(e, endpoint.authority()) + ')');
            } finally {
                connection.close(1000, "probe done");
            }
        }
    }

    private HybridConnectionClient newClient() {
        return HybridConnectionClient.builder().connectionString(target.connectionString())
                .sslContext(target.sslContext()).sourceAddress(target.sourceAddress()).resolver(target.resolver())
                .build();
    }

    /** A handshake failure in words, with the relay's status explained. */
    private String explain(Exception failure, String right) {
        Throwable cause = ConnectFailures.unwrap(failure);
        if (!(cause instanceof RelayHandshakeException refused)) {
            return ConnectFailures.describe(cause, endpoint.authority());
        }
        String answer = refused.statusCode() + " " + refused.description();
        return switch (refused.statusCode()) {
            case 401 -> refused.description().startsWith(IP_REFUSED) && chain == Chain.PRIVATE
                    ? "401: the private endpoint refuses this source: its connection is not Approved (Pending, Rejected"
                            + " or Disconnected; ./relaysim pe list shows it, pe approve approves it), or this"
                            + " source is outside the endpoint's virtual network — " + answer
                    : refused.description().startsWith(IP_REFUSED)
                    ? "401: the namespace's network rules refuse this source (public network access Disabled or no"
                            + " IP rule admits it; through a private endpoint: the source is outside its network or"
                            + " the endpoint connection is not Approved) — " + answer
                    : "401: the token was not accepted — check SharedAccessKeyName and SharedAccessKey (a wrong or"
                            + " expired key) — " + answer;
            case 403 -> "403: the key is valid but lacks the " + right + " right on this hybrid connection — " + answer;
            case 404 -> rendezvousPorts.contains(endpoint.port())
                    ? "404: port " + endpoint.port() + " is one of the rendezvous ports, not the front end — the"
                            + " Endpoint's port must be the front end's (443 in Azure, 9443 for relaysim's gateway) — "
                            + answer
                    : "404: the namespace has no hybrid connection '" + endpoint.entityPath()
                            + "' — check EntityPath — " + answer;
            default -> "the relay answered " + answer;
        };
    }

    /** Connects from the source address and, for {@code wss}, completes a TLS handshake with the real host name. */
    private CompletableFuture<PortResult> check(InetAddress address, int port, Duration timeout) {
        CompletableFuture<PortResult> result = new CompletableFuture<>();
        long start = System.nanoTime();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(EventLoops.socketChannelType())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .handler(new ChannelInboundHandlerAdapter());
        if (target.sourceAddress() != null) {
            bootstrap.localAddress(target.sourceAddress(), 0);
        }
        bootstrap.connect(new InetSocketAddress(address, port)).addListener((ChannelFuture connecting) -> {
            if (!connecting.isSuccess()) {
                result.complete(new PortResult(port, reason(connecting.cause()), 0, 0));
                return;
            }
            long connected = System.nanoTime();
            Channel channel = connecting.channel();
            if (!endpoint.secure()) {
                channel.close();
                result.complete(new PortResult(port, null, connected - start, 0));
                return;
            }
            SslHandler tls =
                    SslContexts.newClientHandler(target.sslContext(), channel.alloc(), endpoint.host(), port, timeout);
            channel.pipeline().addLast(HandlerNames.TLS, tls);
            tls.handshakeFuture().addListener(handshake -> {
                channel.close();
                result.complete(handshake.isSuccess()
                        ? new PortResult(port, null, connected - start, System.nanoTime() - connected)
                        : new PortResult(port, reason(handshake.cause()), 0, 0));
            });
        });
        return result;
    }

    private static String reason(Throwable failure) {
        Throwable cause = ConnectFailures.unwrap(failure);
        String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
        if (cause instanceof ConnectTimeoutException || message.contains("timed out")) {
            return "timed out";
        }
        if (cause instanceof ConnectException && message.contains("refused")) {
            return "connection refused";
        }
        if (resetOrClosed(cause)) {
            return "reset after connecting";
        }
        if (cause instanceof SSLException) {
            return "TLS failed: " + cause.getMessage();
        }
        if (cause instanceof IOException) {
            return cause.getMessage();
        }
        return cause.toString();
    }

    /**
     * Whether the other side reset or closed the connection (however the connect or the TLS handshake noticed it:
     * a reset, a broken pipe, a closed channel): accepted, then dropped, as a filtering proxy or a blocked port does.
     */
    private static boolean resetOrClosed(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
            if (cause instanceof ClosedChannelException || message.contains("reset") || message.contains("broken pipe")
                    || message.contains("closed")) {
                return true;
            }
        }
        return false;
    }

    private static PortResult join(CompletableFuture<PortResult> check) throws InterruptedException {
        try {
            return check.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a port check failed unexpectedly", e.getCause());
        }
    }

    private static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }
}
