package dev.relaysim.junit;

import dev.relaysim.relay.gateway.embedded.EmbeddedGateway;
import dev.relaysim.relay.gateway.embedded.LoopbackAddresses;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ModifierSupport;
import org.junit.platform.commons.support.ReflectionSupport;

import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.Inet4Address;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The extension behind {@link RelaysimTest}: starts an {@link EmbeddedGateway} per test class (before
 * {@code @BeforeAll}) or per test method (before {@code @BeforeEach}), keeps it in the JUnit store of that scope, which
 * closes it when the scope ends, and hands out its {@link Relaysim} handle: to parameters of that type (test, lifecycle
 * and constructor parameters) and to non-final fields of that type (static fields at the start of the class, every
 * field before each test).
 *
 * <p>A nested test class uses its enclosing class's gateway. The address is random (see
 * {@link RelaysimTest#address()}); when one of its ports is taken the extension moves on to another address.
 */
public final class RelaysimExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(RelaysimExtension.class);
    private static final String RUNNING = "gateway";
    private static final int ADDRESS_ATTEMPTS = 10;

    @Override
    public void beforeAll(ExtensionContext context) {
        RelaysimTest annotation = annotation(context);
        if (annotation.lifecycle() == RelaysimTest.Lifecycle.PER_CLASS && running(context).isEmpty()) {
            Running gateway = start(annotation, context.getRequiredTestClass());
            context.getStore(STORE).put(RUNNING, gateway);
        }
        running(context).ifPresent(gateway -> injectFields(context.getRequiredTestClass(), null, gateway.relaysim));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        RelaysimTest annotation = annotation(context);
        if (annotation.lifecycle() == RelaysimTest.Lifecycle.PER_METHOD) {
            context.getStore(STORE).put(RUNNING, start(annotation, context.getRequiredTestClass()));
        }
        Relaysim relaysim = running(context).orElseThrow().relaysim;
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            injectFields(instance.getClass(), instance, relaysim);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == Relaysim.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return running(extensionContext).orElseThrow(() -> new ParameterResolutionException("no relaysim gateway "
                + "runs for " + parameterContext.getDeclaringExecutable() + ": with @RelaysimTest(lifecycle = "
                + "PER_METHOD) it starts before @BeforeEach, so @BeforeAll methods and constructors of PER_CLASS test "
                + "instances cannot have it")).relaysim;
    }

    /** The gateway of this scope or an enclosing one (stores look up their parents). */
    private static Optional<Running> running(ExtensionContext context) {
        return Optional.ofNullable(context.getStore(STORE).get(RUNNING, Running.class));
    }

    private static RelaysimTest annotation(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        for (Class<?> candidate = testClass; candidate != null; candidate = candidate.getEnclosingClass()) {
            Optional<RelaysimTest> found = AnnotationSupport.findAnnotation(candidate, RelaysimTest.class);
            if (found.isPresent()) {
                return found.get();
            }
        }
        throw new ExtensionConfigurationException(testClass.getName() + ": RelaysimExtension without @RelaysimTest "
                + "(expected: annotate the class with @RelaysimTest instead of @ExtendWith(RelaysimExtension.class))");
    }

    private static Running start(RelaysimTest annotation, Class<?> testClass) {
        GatewaySetup setup = GatewaySetup.of(annotation, testClass);
        LoopbackAddresses addresses = new LoopbackAddresses(setup.taken(), new SecureRandom());
        try {
            EmbeddedGateway gateway = EmbeddedGateway.start(attempt -> setup.config(
                            setup.fixedAddress() != null ? setup.fixedAddress() : addresses.next(),
                            EmbeddedGateway.sharedDataDirectory()),
                    setup.fixedAddress() != null ? 1 : ADDRESS_ATTEMPTS, Clock.systemUTC());
            Inet4Address address = (Inet4Address) gateway.addresses().tls().or(() -> gateway.addresses().plain())
                    .orElseThrow().getAddress();
            return new Running(gateway, new Relaysim(gateway, address));
        } catch (UncheckedIOException e) {
            throw new ExtensionConfigurationException("@RelaysimTest on " + testClass.getName() + ": "
                    + e.getMessage() + " (on Linux every 127.0.0.0/8 address is loopback; elsewhere set "
                    + "@RelaysimTest(address = ...) or -D" + GatewaySetup.ADDRESS_PROPERTY + " to an address the "
                    + "loopback interface has)", e);
        }
    }

    private static void injectFields(Class<?> testClass, Object instance, Relaysim relaysim) {
        List<Field> fields = ReflectionSupport.findFields(testClass, field -> field.getType() == Relaysim.class
                && !ModifierSupport.isFinal(field) && (instance != null || ModifierSupport.isStatic(field)),
                HierarchyTraversalMode.TOP_DOWN);
        for (Field field : fields) {
            try {
                field.setAccessible(true);
                field.set(ModifierSupport.isStatic(field) ? null : instance, relaysim);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new ExtensionConfigurationException("cannot inject the Relaysim handle into " + field, e);
            }
        }
    }

    /** A started gateway and its handle; closing it (the store does, when its scope ends) stops the gateway. */
    private record Running(EmbeddedGateway gateway, Relaysim relaysim) implements AutoCloseable {

        @Override
        public void close() {
            gateway.close();
        }
    }
}
