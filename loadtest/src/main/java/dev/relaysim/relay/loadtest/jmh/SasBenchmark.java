package dev.relaysim.relay.loadtest.jmh;

import dev.relaysim.relay.common.auth.SasToken;
import dev.relaysim.relay.common.auth.SasTokenException;
import dev.relaysim.relay.common.auth.SharedAccessSignature;
import dev.relaysim.relay.common.connection.DevDefaults;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** What the gateway does with every listen and connect request's token: parse it, then verify its HMAC-SHA256. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SasBenchmark {

    private final String token = SharedAccessSignature.createToken(
            SharedAccessSignature.audienceFor("sandbox.servicebus.windows.net", "echo"), DevDefaults.KEY_NAME,
            DevDefaults.KEY, Instant.now().plus(Duration.ofDays(1)));
    private final SasToken parsed = parseUnchecked(token);

    @Benchmark
    public SasToken parse() throws SasTokenException {
        return SasToken.parse(token);
    }

    @Benchmark
    public boolean verify() {
        return SharedAccessSignature.verify(parsed, DevDefaults.KEY);
    }

    @Benchmark
    public boolean parseAndVerify() throws SasTokenException {
        return SharedAccessSignature.verify(SasToken.parse(token), DevDefaults.KEY);
    }

    private static SasToken parseUnchecked(String token) {
        try {
            return SasToken.parse(token);
        } catch (SasTokenException e) {
            throw new IllegalStateException(e);
        }
    }
}
