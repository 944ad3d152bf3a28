package dev.relaysim.relay.sender;

import dev.relaysim.relay.common.auth.SharedAccessSignature;
import dev.relaysim.relay.common.cli.Cli;
import dev.relaysim.relay.common.cli.ClientOptions;
import dev.relaysim.relay.common.cli.ConnectionStringOption;
import dev.relaysim.relay.common.cli.Durations;
import dev.relaysim.relay.common.cli.HelpOption;
import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.common.protocol.HybridConnectionConstants;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;

import static java.util.Objects.requireNonNull;

/**
 * {@code ./relaysim token}: prints a SAS token (or, with {@code --header}, the {@code ServiceBusAuthorization: ...}
 * header line) for a hybrid connection, for curl and other HTTP clients. Namespace, entity, rule and key default to
 * the connection string ({@code --connection-string}, else {@code $RELAYSIM_CONNECTION_STRING}, else the gateway's
 * development string for {@code sandbox/echo}); each can be overridden. Exit codes: 0 printed, 2 bad arguments.
 */
@Command(name = "token", sortOptions = false,
        description = {"Prints a SAS token for a hybrid connection (audience http://<namespace host>/<entity>/), "
                + "signed with a rule's key; by default for the gateway's development connection string "
                + "(sandbox/echo).",
                "curl -H \"$(./relaysim token --header)\" --cacert ~/.relaysim/tls/ca.pem https://localhost:9443/echo"})
public final class TokenMain implements Callable<Integer> {

    private static final String SERVICE_BUS_DOMAIN = ".servicebus.windows.net";

    @Spec
    private CommandSpec spec;

    /** Namespace host, entity, rule and key come from it unless their options are given. */
    @Mixin
    private ConnectionStringOption connectionString;

    @Option(names = "--namespace", paramLabel = "NAME|HOST",
            description = "Namespace: a name (contoso, for contoso.servicebus.windows.net) or a host name "
                    + "(default: the connection string's host, localhost).")
    private String namespace;

    @Option(names = "--entity", paramLabel = "PATH",
            description = "Hybrid connection (default: the connection string's EntityPath, echo).")
    private String entity;

    @Option(names = "--rule", paramLabel = "NAME",
            description = "Authorization rule name, SharedAccessKeyName (default: the connection string's, "
                    + "RootManageSharedAccessKey).")
    private String rule;

    @Option(names = "--key", paramLabel = "KEY", description = "The rule's key (default: the connection string's).")
    private String key;

    @Option(names = "--lifetime", paramLabel = "DURATION", defaultValue = "1h",
            description = "How long the token is valid: 30s, 5m, 1h or PT1H (default: ${DEFAULT-VALUE}).")
    private String lifetime;

    @Option(names = "--header",
            description = "Print the header line 'ServiceBusAuthorization: <token>' instead of the token.")
    private boolean header;

    @Mixin
    private HelpOption help;

    private final Map<String, String> environment;
    private final Clock clock;

    /** A command that reads its defaults from the process environment. */
    public TokenMain() {
        this(System.getenv(), Clock.systemUTC());
    }

    /**
     * A command that reads {@code $RELAYSIM_CONNECTION_STRING} from {@code environment} and the time from
     * {@code clock}.
     */
    public TokenMain(Map<String, String> environment, Clock clock) {
        this.environment = Map.copyOf(requireNonNull(environment, "environment"));
        this.clock = requireNonNull(clock, "clock");
    }

    public static void main(String[] args) {
        System.exit(Cli.execute(new TokenMain(), args));
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Duration validFor = Durations.parse(lifetime);
        if (validFor == null || validFor.isNegative() || validFor.isZero()) {
            err.println("--lifetime: \"" + lifetime + "\" (expected: " + Durations.EXPECTED + ", above zero)");
            return Cli.EXIT_USAGE;
        }
        ConnectionString parsed;
        try {
            parsed = connectionString.resolve(environment);
        } catch (ClientOptions.UsageException e) {
            err.println(e.getMessage());
            return Cli.EXIT_USAGE;
        }
        String host = namespace == null ? parsed.host()
                : namespace.contains(".") ? namespace.strip() : namespace.strip() + SERVICE_BUS_DOMAIN;
        String entityPath = entity != null ? entity : parsed.entityPath();
        String keyName = rule != null ? rule : parsed.sharedAccessKeyName();
        String signingKey = key != null ? key : parsed.sharedAccessKey();
        if (entityPath == null || keyName == null || signingKey == null) {
            err.println((entityPath == null ? "--entity" : keyName == null ? "--rule" : "--key")
                    + ": missing (expected: the option, or a connection string that has it)");
            return Cli.EXIT_USAGE;
        }
        String token;
        try {
            token = SharedAccessSignature.createToken(SharedAccessSignature.audienceFor(host, entityPath), keyName,
                    signingKey, Instant.now(clock).plus(validFor));
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return Cli.EXIT_USAGE;
        }
        out.println(header ? HybridConnectionConstants.SERVICE_BUS_AUTHORIZATION + ": " + token : token);
        return 0;
    }
}
