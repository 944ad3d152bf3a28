package dev.relaysim.relay.loadtest.jmh;

import dev.relaysim.relay.common.protocol.InvalidRequestTargetException;
import dev.relaysim.relay.common.protocol.RelayRequestTarget;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * A sender's request target, as the gateway parses it for every connect (the bench's form, and a token in the query
 * as Node's hyco-ws sends it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RequestTargetBenchmark {

    private final String connect = "/$hc/bench?sb-hc-action=connect&sb-hc-id=5f0c7a0e-9b8e-4c1d-8f0a-2b6f3c9d1e77";
    private final String connectWithToken = connect + "&sb-hc-token=SharedAccessSignature%20sr%3Dhttp%253a%252f%252f"
            + "localhost%253a9080%252fbench%26sig%3DtWk3d9Ue1cE2bT5f5W%252bq2o9qR7Gm3c0P1nL8yXv4aZk%253d%26se%3D"
            + "1796208000%26skn%3DRootManageSharedAccessKey";

    @Benchmark
    public RelayRequestTarget parseConnect() throws InvalidRequestTargetException {
        return RelayRequestTarget.parse(connect);
    }

    @Benchmark
    public RelayRequestTarget parseConnectWithToken() throws InvalidRequestTargetException {
        return RelayRequestTarget.parse(connectWithToken);
    }
}
