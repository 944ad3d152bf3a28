package dev.relaysim.testcontainers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The relaysim gateway image as a Testcontainers container. It publishes the TLS and plain front ends and the
 * management port on ephemeral host ports, and a few rendezvous ports ({@link #withRendezvousPorts}) on free host ports
 * that it advertises with the host name ({@code RELAYSIM_ADVERTISED_*}), since the accept addresses listeners get must
 * name ports they can reach; it is ready when {@code GET /health} answers 200.
 *
 * <pre>{@code
 * try (RelaysimContainer relay = new RelaysimContainer("relaysim:latest").withHybridConnection("sandbox", "orders")) {
 *     relay.start();
 *     String connectionString = relay.getConnectionString("sandbox", "orders");
 *     SSLContext tls = relay.createSslContext();
 * }
 * }</pre>
 *
 * Namespaces other than the default one (the first declared) are routed by host name, so their connection strings name
 * {@code <namespace>.servicebus.windows.net}, which must resolve to {@link #getHost()} for a client to use them.
 */
public class RelaysimContainer extends GenericContainer<RelaysimContainer> {

    /** The TLS front end (the service's 443) inside the container. */
    public static final int TLS_PORT = 9443;
    /** The plain front end inside the container. */
    public static final int PLAIN_PORT = 9080;
    /** The management server ({@code /health}, {@code /metrics}, {@code /relaysim/ca.pem}, the ARM API). */
    public static final int MANAGEMENT_PORT = 9390;
    /** The first rendezvous port inside the container (gateway instance g0). */
    public static final int FIRST_RENDEZVOUS_PORT = 9400;
    /** The rule every namespace made by {@link #withNamespace} has, with all rights. */
    public static final String KEY_NAME = "RootManageSharedAccessKey";
    /** The development key of {@link #KEY_NAME}: public, as the gateway's default config's. */
    public static final String KEY = "cmVsYXlzaW0tZGV2LWtleS1kby1ub3QtdXNlLXByb2Q=";
    /** The management API's development admin key. */
    public static final String DEFAULT_ADMIN_KEY = "relaysim-dev-admin-key";
    /** The password of {@link #writeTruststore}'s PKCS#12 file, as the gateway's own truststore's. */
    public static final String TRUSTSTORE_PASSWORD = "relaysim";

    static final String CONFIG_PATH = "/etc/relaysim/relaysim.json";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);

    private ObjectNode config;
    private int rendezvousPorts = 4;
    private String adminKey = DEFAULT_ADMIN_KEY;

    public RelaysimContainer(String image) {
        this(DockerImageName.parse(image));
    }

    public RelaysimContainer(DockerImageName image) {
        super(image);
        withExposedPorts(TLS_PORT, PLAIN_PORT, MANAGEMENT_PORT);
        waitingFor(Wait.forHttp("/health").forPort(MANAGEMENT_PORT).forStatusCode(200)
                .withStartupTimeout(STARTUP_TIMEOUT));
    }

    /** The gateway's configuration file (JSON, overlaying the image's default config as {@code --config} does). */
    public RelaysimContainer withConfig(Path file) {
        try {
            return withConfig(Files.readString(requireNonNull(file, "file"), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the relaysim config " + file, e);
        }
    }

    /** The gateway's configuration as JSON text (the schema of the gateway's {@code --config} file). */
    public RelaysimContainer withConfig(String json) {
        requireNonNull(json, "json");
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("config: not valid JSON (" + e.getOriginalMessage() + ')', e);
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new IllegalArgumentException("config: a JSON " + tree.getNodeType() + " (expected: a JSON object)");
        }
        config = object;
        return self();
    }

    /** Adds a namespace (if missing) with the rule {@value #KEY_NAME} (Listen, Send, Manage, key {@link #KEY}). */
    public RelaysimContainer withNamespace(String namespace) {
        namespace(namespace);
        return self();
    }

    /** Adds a hybrid connection whose senders need a token, and its namespace if missing. */
    public RelaysimContainer withHybridConnection(String namespace, String hybridConnection) {
        requireNonNull(hybridConnection, "hybridConnection");
        ArrayNode entities = namespace(namespace).withArray("hybridConnections");
        for (JsonNode entity : entities) {
            if (entity.path("name").asText().equalsIgnoreCase(hybridConnection)) {
                return self();
            }
        }
        entities.addObject().put("name", hybridConnection).put("requiresClientAuthorization", true);
        return self();
    }

    /** How many rendezvous ports (gateway instances) the container runs and publishes: 1-200, default 4. */
    public RelaysimContainer withRendezvousPorts(int count) {
        if (count < 1 || count > 200) {
            throw new IllegalArgumentException("rendezvousPorts: " + count + " (expected: 1-200)");
        }
        rendezvousPorts = count;
        return self();
    }

    /** The management API's admin key ({@code Authorization: Bearer <key>}), instead of the development one. */
    public RelaysimContainer withAdminKey(String key) {
        adminKey = requireNonNull(key, "key");
        return self();
    }

    @Override
    protected void configure() {
        List<Integer> published = freeHostPorts(rendezvousPorts);
        for (int instance = 0; instance < published.size(); instance++) {
            addFixedExposedPort(published.get(instance), FIRST_RENDEZVOUS_PORT + instance);
        }
        withEnv("RELAYSIM_RENDEZVOUS_PORTS",
                FIRST_RENDEZVOUS_PORT + "-" + (FIRST_RENDEZVOUS_PORT + rendezvousPorts - 1));
        withEnv("RELAYSIM_ADVERTISED_HOST", getHost());
        withEnv("RELAYSIM_ADVERTISED_RENDEZVOUS_PORTS",
                published.stream().map(String::valueOf).collect(Collectors.joining(",")));
        withEnv("RELAYSIM_TLS_PORT", String.valueOf(TLS_PORT));
        withEnv("RELAYSIM_PLAIN_PORT", String.valueOf(PLAIN_PORT));
        withEnv("RELAYSIM_MANAGEMENT_PORT", String.valueOf(MANAGEMENT_PORT));
        withEnv("RELAYSIM_MANAGEMENT_ADMIN_KEY", adminKey);
        if (config != null) {
            withCopyToContainer(Transferable.of(config.toPrettyString().getBytes(StandardCharsets.UTF_8), 0644),
                    CONFIG_PATH);
            setCommand("gateway", "--config", CONFIG_PATH);
        }
    }

    /**
     * {@code Endpoint=sb://<host>:<TLS port>/;SharedAccessKeyName=...;SharedAccessKey=...;EntityPath=<entity>} with the
     * namespace's first rule; the host is {@link #getHost()} for the default namespace, else the namespace's host name.
     */
    public String getConnectionString(String namespace, String hybridConnection) {
        requireNonNull(namespace, "namespace");
        requireNonNull(hybridConnection, "hybridConnection");
        JsonNode declared = declaredNamespace(namespace);
        JsonNode rule = declared == null ? null : declared.path("authorizationRules").path(0);
        String keyName = rule == null || rule.isMissingNode() ? KEY_NAME : rule.path("name").asText();
        String key = rule == null || rule.isMissingNode() ? KEY : rule.path("primaryKey").asText();
        String host = isDefaultNamespace(namespace) ? getHost()
                : declared != null && declared.hasNonNull("hostName") ? declared.get("hostName").asText()
                : namespace + ".servicebus.windows.net";
        return "Endpoint=sb://" + host + ':' + getMappedPort(TLS_PORT) + "/;SharedAccessKeyName=" + keyName
                + ";SharedAccessKey=" + key + ";EntityPath=" + hybridConnection;
    }

    /** {@code http://<host>:<port>} of the management server. */
    public String getManagementUrl() {
        return "http://" + getHost() + ':' + getMappedPort(MANAGEMENT_PORT);
    }

    /** The management API's admin key. */
    public String getAdminKey() {
        return adminKey;
    }

    /** The development CA certificate, PEM, fetched from {@code GET /relaysim/ca.pem}. */
    public String getCaCertificatePem() {
        HttpRequest request = HttpRequest.newBuilder(URI.create(getManagementUrl() + "/relaysim/ca.pem"))
                .timeout(Duration.ofSeconds(30)).build();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request,
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.US_ASCII));
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + request.uri() + ": " + response.statusCode()
                        + " (expected: 200 with the CA certificate)");
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching " + request.uri(), e);
        }
    }

    /** A TLS context that trusts the development CA alone. */
    public SSLContext createSslContext() {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(truststore());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context trusting the relaysim CA", e);
        }
    }

    /**
     * Writes a PKCS#12 truststore holding the development CA, password {@value #TRUSTSTORE_PASSWORD}, for
     * {@code -Djavax.net.ssl.trustStore} and the SDKs.
     */
    public Path writeTruststore(Path file) {
        try (OutputStream out = Files.newOutputStream(requireNonNull(file, "file"))) {
            truststore().store(out, TRUSTSTORE_PASSWORD.toCharArray());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the truststore " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the truststore " + file, e);
        }
    }

    private KeyStore truststore() throws GeneralSecurityException {
        X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(getCaCertificatePem().getBytes(StandardCharsets.US_ASCII)));
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        store.setCertificateEntry("relaysim-dev-ca", ca);
        return store;
    }

    private ObjectNode namespace(String name) {
        requireNonNull(name, "namespace");
        if (config == null) {
            config = JSON.createObjectNode();
        }
        ArrayNode namespaces = config.withArray("namespaces");
        for (JsonNode namespace : namespaces) {
            if (namespace.path("name").asText().equalsIgnoreCase(name)) {
                return (ObjectNode) namespace;
            }
        }
        ObjectNode namespace = namespaces.addObject().put("name", name);
        namespace.putArray("authorizationRules").addObject().put("name", KEY_NAME).put("primaryKey", KEY)
                .putArray("rights").add("Listen").add("Send").add("Manage");
        namespace.putArray("hybridConnections");
        if (!config.has("virtualNetworks")) {
            // A config of its own namespaces leaves out the default config's private endpoint network.
            config.putArray("virtualNetworks");
        }
        return namespace;
    }

    private JsonNode declaredNamespace(String name) {
        if (config == null) {
            return null;
        }
        for (JsonNode namespace : config.path("namespaces")) {
            if (namespace.path("name").asText().equalsIgnoreCase(name)) {
                return namespace;
            }
        }
        return null;
    }

    /** The config's defaultNamespace, else its first namespace, else the image's default ({@code sandbox}). */
    private boolean isDefaultNamespace(String name) {
        String defaultNamespace = config == null ? "sandbox"
                : config.hasNonNull("defaultNamespace") ? config.get("defaultNamespace").asText()
                : config.path("namespaces").path(0).path("name").asText("sandbox");
        return defaultNamespace.equalsIgnoreCase(name);
    }

    /** Host ports free now, for the rendezvous ports, whose numbers the gateway must know before it starts. */
    private static List<Integer> freeHostPorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find " + count + " free host ports for the rendezvous ports", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // a port we only probed
                }
            }
        }
    }
}
