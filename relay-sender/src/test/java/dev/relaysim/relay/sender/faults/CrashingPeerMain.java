package dev.relaysim.relay.sender.faults;

import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.common.tls.SslContexts;
import dev.relaysim.relay.listener.HybridConnectionListener;
import dev.relaysim.relay.sender.HybridConnectionClient;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A peer for {@link ChildJvm}, to be killed mid-way: {@code sender <connection string> <CA file>} connects as a
 * sender and sends a 1 KiB message every few milliseconds until killed; {@code holding-listener <connection string>
 * <CA file>} opens a control channel and takes every {@code accept} without ever opening its address. Prints
 * {@code connected}, {@code listening} and {@code accept <id>} as it goes.
 */
public final class CrashingPeerMain {

    private CrashingPeerMain() {
    }

    public static void main(String[] args) throws Exception {
        ConnectionString connectionString = ConnectionString.parse(args[1]);
        var sslContext = SslContexts.forClient(Path.of(args[2]));
        switch (args[0]) {
            case "sender" -> {
                HybridConnectionClient client = HybridConnectionClient.builder().connectionString(connectionString)
                        .sslContext(sslContext).build();
                RelayConnection connection = client.connect().get(30, TimeUnit.SECONDS);
                System.out.println("connected");
                byte[] message = new byte[1024];
                while (true) {
                    connection.send(message).get(30, TimeUnit.SECONDS);
                    Thread.sleep(5);
                }
            }
            case "holding-listener" -> {
                CountDownLatch never = new CountDownLatch(1);
                HybridConnectionListener listener = HybridConnectionListener.builder()
                        .connectionString(connectionString)
                        .sslContext(sslContext)
                        .connectionHandler((accept, connection) -> connection.abort())
                        .acceptHandler(accept -> {
                            System.out.println("accept " + accept.id());
                            try {
                                never.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            throw new IllegalStateException("interrupted while holding " + accept.id());
                        })
                        .build();
                listener.open().get(30, TimeUnit.SECONDS);
                System.out.println("listening");
                never.await();
            }
            default -> throw new IllegalArgumentException(args[0] + " (expected: sender or holding-listener)");
        }
    }
}
