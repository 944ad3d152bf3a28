package dev.relaysim.relay.common.connection;

import dev.relaysim.relay.common.auth.SharedAccessSignature;
import dev.relaysim.relay.common.testing.Fuzz;
import dev.relaysim.relay.common.testing.Gen;
import dev.relaysim.relay.common.testing.Mutations;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of connection strings: {@link ConnectionString#parse(String)} returns a value that formats and parses
 * back to itself, or throws an {@link IllegalArgumentException} naming the key or value; valid strings
 * round-trip; a parsed string with credentials makes a token and never shows its key.
 */
@Tag("fuzz")
class ConnectionStringFuzzTest {

    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
    private static final List<String> TOKENS = List.of(";", "=", "Endpoint=", "endpoint = ", "sb://", "sb://ns:9443/",
            "https://", "EntityPath=", "SharedAccessKeyName=", "SharedAccessKey=", "SharedAccessSignature=",
            "SharedAccessSignature sr=a&sig=b&se=1&skn=k", "OperationTimeout=", "00:01:00", "1.02:03:04.5", "25:00:00",
            "0", "999999999", "9999999999", "-1", " ", "\t", "[::1]", ":", "/", "?", "#", "%", "\u00e9", "\u0000",
            "Unknown=1", "a");

    @Test
    void validConnectionStringsRoundTrip() {
        Fuzz.check(valid(), connectionString ->
                assertThat(ConnectionString.parse(connectionString.format())).isEqualTo(connectionString));
    }

    @Test
    void anyTextParsesAndRoundTripsOrIsRejectedWithAClearMessage() {
        Fuzz.check(Gen.oneOf(Gen.strings(0, 100), Gen.concat(TOKENS, 20),
                        Mutations.of(valid().map(ConnectionString::format), TOKENS)),
                ConnectionStringFuzzTest::parsesAndRoundTripsOrIsRejectedWithAClearMessage);
    }

    private static void parsesAndRoundTripsOrIsRejectedWithAClearMessage(String text) {
        ConnectionString parsed;
        try {
            parsed = ConnectionString.parse(text);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).matches("(?s)(connection string|Endpoint|EntityPath|SharedAccessKeyName"
                    + "|SharedAccessKey|SharedAccessSignature|OperationTimeout)[: ].+");
            return;
        }
        assertThat(ConnectionString.parse(parsed.format())).isEqualTo(parsed);
        assertThat(parsed.port()).isBetween(0, 65535);
        assertThat(parsed.operationTimeoutOrDefault()).isPositive();
        if (parsed.sharedAccessKey() != null) {
            assertThat(parsed.toString()).contains("SharedAccessKey=***");
            // A key of one to three '*' is what the mask shows anyway.
            if (!"***".startsWith(parsed.sharedAccessKey())) {
                assertThat(parsed.toString()).doesNotContain("SharedAccessKey=" + parsed.sharedAccessKey());
            }
        }
        if (parsed.hasCredentials()) {
            assertThat(parsed.tokenFor("http://" + parsed.host() + "/hc/", Duration.ofHours(1), CLOCK)).isNotEmpty();
        }
    }

    private static Gen<ConnectionString> valid() {
        Gen<String> host = Gen.strings("abcdefghijklmnopqrstuvwxyz0123456789", 1, 8).list(1, 4)
                .map(labels -> "h" + String.join(".", labels) + ".example");
        Gen<Integer> port = Gen.ints(-1, 65535);
        Gen<URI> endpoint = random -> {
            String name = host.next(random);
            int number = port.next(random);
            return URI.create("sb://" + name + (number < 0 ? "" : ":" + number) + "/");
        };
        Gen<String> value = Gen.strings(1, 40).filter(s -> !s.contains(";") && s.equals(s.strip()));
        Gen<String> entity = value.orNull(0.3);
        Gen<String> keyName = value.filter(s -> s.length() <= 256);
        Gen<Duration> timeout = Gen.longs(1, 999_999_999L * 1000).map(Duration::ofMillis).orNull(0.3);
        return Gen.oneOf(
                random -> new ConnectionString(endpoint.next(random), entity.next(random), keyName.next(random),
                        keyName.next(random), null, timeout.next(random)),
                random -> {
                    URI uri = endpoint.next(random);
                    String entityPath = entity.next(random);
                    String key = value.next(random);
                    return new ConnectionString(uri, entityPath, null, null, SharedAccessSignature.createToken(
                            uri + "hc", "rule", key, Instant.ofEpochSecond(1_800_000_000L)), timeout.next(random));
                });
    }
}
