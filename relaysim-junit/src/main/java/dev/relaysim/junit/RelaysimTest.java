package dev.relaysim.junit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs an in-process relaysim gateway for a test class and injects a {@link Relaysim} handle into parameters and
 * fields of that type:
 * <pre>{@code
 * @RelaysimTest(hybridConnections = @HybridConnection("orders"))
 * class OrdersTest {
 *     @Test
 *     void relays(Relaysim relaysim) {
 *         String connectionString = relaysim.connectionString("orders");
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>The gateway listens on an address of its own in 127.0.0.0/8 (see {@link #address()}) with ephemeral front-end,
 * management and DNS ports and the full rendezvous range, so that test classes, test JVMs and a gateway the user runs
 * on 127.0.0.1 never collide. Without attributes it serves namespace {@value Relaysim#DEFAULT_NAMESPACE} with hybrid
 * connection {@value Relaysim#DEFAULT_HYBRID_CONNECTION}; {@link #namespaces()} and {@link #hybridConnections()}
 * describe another one, {@link #config()} names a configuration file on the class path instead.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RelaysimExtension.class)
public @interface RelaysimTest {

    /**
     * Namespace names; the first is the default namespace (the one {@code localhost} and IP addresses reach). Each
     * has host name {@code <name>.servicebus.windows.net} and rule {@code RootManageSharedAccessKey} (Listen, Send,
     * Manage) with the development keys. Empty: {@value Relaysim#DEFAULT_NAMESPACE}.
     */
    String[] namespaces() default {};

    /**
     * Hybrid connections of {@link #namespaces()}. Empty with no namespaces given:
     * {@value Relaysim#DEFAULT_HYBRID_CONNECTION} in {@value Relaysim#DEFAULT_NAMESPACE}.
     */
    HybridConnection[] hybridConnections() default {};

    /**
     * A gateway configuration file (the JSON of {@code ./relaysim gateway --config}) on the test class path, such as
     * {@code "relaysim/private-link.json"}; it overlays the gateway's embedded defaults. Its listen and DNS addresses
     * and ports are replaced by the extension's; everything else (namespaces, rules, virtual networks, private
     * endpoints, protocol settings, limits) applies. Not together with {@link #namespaces()} or
     * {@link #hybridConnections()}.
     */
    String config() default "";

    /** Whether one gateway serves the whole class (the default) or each test method gets a fresh one. */
    Lifecycle lifecycle() default Lifecycle.PER_CLASS;

    /**
     * The loopback address to listen on. Empty (the default): the system property {@code relaysim.address} if set,
     * else a random free address in 127.0.0.0/8 outside 127.0.0.0/16, 127.10.0.0/16, 127.11.0.0/16 and the
     * configuration's virtual networks (on Linux every such address is loopback; elsewhere give an address the
     * loopback interface has).
     */
    String address() default "";

    /** The rendezvous ports, {@code first-last}; the full range as the real service and the daemon use it. */
    String rendezvousPorts() default "9400-9599";

    /** How long a gateway lives. */
    enum Lifecycle {
        /** One gateway for the test class (and its nested classes), started before {@code @BeforeAll}. */
        PER_CLASS,
        /** A fresh gateway for each test method, started before {@code @BeforeEach}. */
        PER_METHOD
    }
}
