package dev.relaysim.relay.gateway.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Runs a {@link TestGateway} around a test class (as a {@code static} field) or around each test (as an instance
 * field):
 * <pre>{@code
 * @RegisterExtension
 * static final GatewayExtension gateway = new GatewayExtension();
 *
 * @RegisterExtension
 * static final GatewayExtension shortTimeouts = new GatewayExtension(builder -> builder.protocol(...));
 * ...
 * gateway.get().listenUri(true, TestGateway.ENTITY)
 * }</pre>
 */
public final class GatewayExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {

    private final Consumer<TestGateway.Builder> configuration;
    private TestGateway gateway;
    private boolean perClass;

    public GatewayExtension() {
        this(builder -> { });
    }

    /** @param configuration adjusts the default {@link TestGateway.Builder} */
    public GatewayExtension(Consumer<TestGateway.Builder> configuration) {
        this.configuration = requireNonNull(configuration, "configuration");
    }

    /** The running gateway. */
    public TestGateway get() {
        if (gateway == null) {
            throw new IllegalStateException("the gateway runs only while a test of the class runs");
        }
        return gateway;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        gateway = start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            gateway = start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stop();
        }
    }

    private TestGateway start() {
        TestGateway.Builder builder = TestGateway.builder();
        configuration.accept(builder);
        return builder.start();
    }

    private void stop() {
        if (gateway != null) {
            gateway.close();
            gateway = null;
        }
    }
}
