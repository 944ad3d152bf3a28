package dev.relaysim.relay.gateway.internal.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaysim.relay.gateway.cli.GatewayMain;
import dev.relaysim.relay.gateway.config.ListenSettings;
import dev.relaysim.relay.gateway.testing.TestGateway;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A gateway node as its own JVM ({@link GatewayMain} on this test's class path), bound to a 127.0.1.x address with
 * the default ports there (plain front end 9080, management 9390, DNS 1053) and rendezvous ports 9400-9409; its
 * output goes to {@code target/cluster-nodes/<address>.log}.
 */
final class ClusterNode implements AutoCloseable {

    static final String PLAIN_PORT = "9080";
    static final String MANAGEMENT_PORT = "9390";
    static final String RENDEZVOUS_PORTS = "9400-9409";
    static final int DNS_PORT = 1053;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String address;
    private final Process process;
    private final Path log;
    private final int plainPort;

    private ClusterNode(String address, Process process, Path log) {
        this(address, process, log, Integer.parseInt(PLAIN_PORT));
    }

    private ClusterNode(String address, Process process, Path log, int plainPort) {
        this.address = address;
        this.process = process;
        this.log = log;
        this.plainPort = plainPort;
    }

    /**
     * Starts a node joining {@code members}; its namespace {@value TestGateway#NAMESPACE} has the hybrid
     * connections {@code entities}.
     */
    static ClusterNode start(String address, String members, List<String> entities) {
        return start(address, members, entities, settings -> { });
    }

    /**
     * Starts a node as {@link #start(String, String, List)} does, with its plain front end on {@code plainPort} and
     * its rendezvous ports {@code rendezvousPorts}: nodes on one machine that serve the same private endpoint address
     * (each binds it with its own port numbers) need ports of their own.
     */
    static ClusterNode start(String address, String members, List<String> entities, int plainPort,
                             String rendezvousPorts) {
        return start(address, members, entities, plainPort, rendezvousPorts, settings -> { });
    }

    /**
     * Starts a node as {@link #start(String, String, List)} does, with {@code settings} changing its configuration
     * file's JSON (such as {@code limits} or {@code protocol.responseTimeout}) before it is written.
     */
    static ClusterNode start(String address, String members, List<String> entities, Consumer<ObjectNode> settings) {
        return start(address, members, entities, Integer.parseInt(PLAIN_PORT), RENDEZVOUS_PORTS, settings);
    }

    private static ClusterNode start(String address, String members, List<String> entities, int plainPort,
                                     String rendezvousPorts, Consumer<ObjectNode> settings) {
        Path directory = Path.of("target", "cluster-nodes").toAbsolutePath();
        Path data = directory.resolve(address);
        Path config = directory.resolve(address + ".json");
        Path log = directory.resolve(address + ".log");
        try {
            Files.createDirectories(data);
            ObjectNode json = config(entities, plainPort, rendezvousPorts);
            settings.accept(json);
            Files.writeString(config, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json),
                    StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx192m",
                    "-XX:TieredStopAtLevel=1", "-Dio.netty.leakDetection.level=paranoid",
                    "-cp", System.getProperty("java.class.path"), GatewayMain.class.getName(),
                    "--config", config.toString(), "--data-dir", data.toString(),
                    "--cluster-members", members, "--node-address", address));
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            return new ClusterNode(address, process, log, plainPort);
        } catch (IOException e) {
            throw new UncheckedIOException("starting node " + address, e);
        }
    }

    /**
     * Deletes the data directory of the node at {@code address} (its saved management state, its CA), so that the
     * next node started there begins from its configuration alone.
     */
    static void deleteDataDirectory(String address) throws IOException {
        Path directory = Path.of("target", "cluster-nodes", address).toAbsolutePath();
        if (Files.exists(directory)) {
            try (var paths = Files.walk(directory)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    private static ObjectNode config(List<String> entities, int plainPort, String rendezvousPorts) {
        var root = JSON.createObjectNode();
        var listen = root.putObject("listen");
        listen.putObject("tls").put("enabled", false);
        listen.putObject("plain").put("port", plainPort);
        listen.put("rendezvousPorts", rendezvousPorts);
        root.putObject("protocol").put("rendezvousTimeout", "10s");
        root.put("defaultNamespace", TestGateway.NAMESPACE);
        root.putArray("virtualNetworks");
        var namespace = root.putArray("namespaces").addObject();
        namespace.put("name", TestGateway.NAMESPACE).put("hostName", TestGateway.HOST);
        namespace.putArray("authorizationRules").addObject().put("name", TestGateway.KEY_NAME)
                .put("primaryKey", TestGateway.KEY).put("secondaryKey", TestGateway.SECONDARY_KEY)
                .putArray("rights").add("Listen").add("Send").add("Manage");
        var hybridConnections = namespace.putArray("hybridConnections");
        for (String entity : entities) {
            hybridConnections.addObject().put("name", entity).put("requiresClientAuthorization", true)
                    .putArray("authorizationRules");
        }
        return root;
    }

    String address() {
        return address;
    }

    /** {@code <address>:5701}, as {@code /health} names members. */
    String member() {
        return address + ":5701";
    }

    /** {@code http://<address>:<plain port>/<entity><suffix>}: HTTP request mode on the node's plain front end. */
    URI httpUri(String entity, String suffix) {
        return URI.create("http://" + address + ':' + plainPort + '/' + entity + suffix);
    }

    /** {@code ws://<address>:<plain port>/$hc/<entity>?<query>}. */
    URI uri(String entity, String query) {
        return URI.create("ws://" + address + ':' + plainPort + "/$hc/" + entity + '?' + query);
    }

    /** The port of the plain front end, on the node address and on every private endpoint address it serves. */
    int plainPort() {
        return plainPort;
    }

    URI listenUri(String entity) {
        return uri(entity, "sb-hc-action=listen");
    }

    URI connectUri(String entity) {
        return uri(entity, "sb-hc-action=connect");
    }

    /** The node's {@code /health}, or null while it does not answer. */
    JsonNode health() {
        try {
            return JSON.readTree(management("/health"));
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The body of a {@code GET} on the node's management server, such as {@code /metrics}. */
    String management(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + address + ':' + MANAGEMENT_PORT + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /**
     * A request to the node's ARM-shaped management API with the default admin key: {@code path} without the
     * {@code api-version}, {@code body} JSON or null.
     */
    HttpResponse<String> arm(String method, String path, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + address + ':' + MANAGEMENT_PORT + path
                        + "?api-version=2021-11-01"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + ListenSettings.DEFAULT_ADMIN_KEY)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The addresses and TTLs of the A records this node's DNS responder gives {@code name} (UDP, port 1053). */
    List<String> resolve(String name) throws IOException {
        SimpleResolver resolver = new SimpleResolver(address);
        resolver.setPort(DNS_PORT);
        resolver.setTimeout(Duration.ofSeconds(5));
        Message response = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A,
                DClass.IN)));
        List<String> answers = new ArrayList<>();
        for (Record answer : response.getSection(Section.ANSWER)) {
            if (answer instanceof ARecord a) {
                answers.add(a.getAddress().getHostAddress() + " ttl " + a.getTTL());
            }
        }
        return answers;
    }

    /** Members this node sees, from {@code /health}; empty while it does not answer. */
    List<String> members() {
        JsonNode health = health();
        List<String> members = new ArrayList<>();
        if (health != null) {
            health.path("cluster").path("members").forEach(member -> members.add(member.asText()));
        }
        return members;
    }

    /** Listeners this node's directory holds for {@code member}, from {@code /health}. */
    int listenersOf(ClusterNode member) {
        JsonNode health = health();
        return health == null ? -1 : health.path("cluster").path("listeners").path(member.member()).asInt(0);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until this node sees {@code count} members; fails with its log when it stopped or saw none in time. */
    void awaitMembers(int count, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(isAlive()).as("%s is running; its log:%n%s", this, log()).isTrue();
            assertThat(members()).as("members %s sees", this).hasSize(count);
        });
    }

    /** The node's log so far, for failure messages. */
    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ')';
        }
    }

    /** SIGKILL: the node goes away without leaving the cluster. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGSTOP: the node stops answering (its sockets stay open), as one cut off by a network partition. */
    void suspend() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #suspend()}. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + ' ' + process.pid() + " failed");
        }
    }

    /** The node's DNS responder, {@code <address>:1053}, for clients that resolve through it. */
    InetSocketAddress dnsServer() {
        return new InetSocketAddress(address, DNS_PORT);
    }

    /** {@code ws://<address>:9080}: the namespace URI of a client that connects to this node by its address. */
    URI namespaceUri() {
        return URI.create("ws://" + address + ':' + plainPort);
    }

    /** Waits until this node's directory holds at least {@code count} listeners of {@code member}. */
    void awaitListenersOf(ClusterNode member, int count, Duration within) {
        await().atMost(within).untilAsserted(() -> assertThat(listenersOf(member))
                .as("listeners of %s seen by %s", member, this).isGreaterThanOrEqualTo(count));
    }

    /** SIGTERM (a graceful shutdown), then SIGKILL after 15 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            kill();
        }
    }

    @Override
    public String toString() {
        return "node " + address;
    }
}
