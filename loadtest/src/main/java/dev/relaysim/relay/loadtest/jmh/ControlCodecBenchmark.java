package dev.relaysim.relay.loadtest.jmh;

import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.common.protocol.ControlCommand;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.ControlCommandException;
import dev.relaysim.relay.common.protocol.RemoteEndpoint;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The accept command: encoded by the gateway for every sender, decoded by the listener. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ControlCodecBenchmark {

    private final AcceptCommand accept = accept();
    private final String json = ControlCommandCodec.encode(accept);

    @Benchmark
    public String encodeAccept() {
        return ControlCommandCodec.encode(accept);
    }

    @Benchmark
    public ControlCommand decodeAccept() throws ControlCommandException {
        return ControlCommandCodec.decode(json);
    }

    private static AcceptCommand accept() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", "sandbox.servicebus.windows.net");
        headers.put("Upgrade", "websocket");
        headers.put("Connection", "Upgrade");
        headers.put("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
        headers.put("Sec-WebSocket-Version", "13");
        headers.put("User-Agent", "relaysim-bench");
        String id = "4f0c5a8e-2b1d-4c3e-9f7a-1d2e3f4a5b6c_G3";
        return new AcceptCommand("wss://127.0.0.1:9443/$hc/echo?sb-hc-action=accept&sb-hc-id=" + id, id, headers,
                new RemoteEndpoint("127.0.0.1", 51234));
    }
}
