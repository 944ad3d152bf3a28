package com.example.orders;

import dev.relaysim.junit.Relaysim;
import dev.relaysim.junit.RelaysimTest;
import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.connection.ConnectionString;
import dev.relaysim.relay.common.tls.SslContexts;
import dev.relaysim.relay.listener.HybridConnectionListener;
import dev.relaysim.relay.sender.HybridConnectionClient;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The same relay with relaysim's client library (relay-listener, relay-sender) and the injected connection string. */
@RelaysimTest
@Timeout(60)
class ClientLibraryRelayTest {

    @Test
    void anEchoListenerAnswersTheSender(Relaysim relaysim) throws Exception {
        ConnectionString connectionString = ConnectionString.parse(relaysim.connectionString("echo"));
        SslContext tls = SslContexts.forClient(relaysim.caCertificatePath());
        try (HybridConnectionListener listener = HybridConnectionListener.builder()
                .connectionString(connectionString)
                .sslContext(tls)
                .connectionHandler((accept, connection) -> connection.setHandler(connection::send))
                .build();
             HybridConnectionClient sender = HybridConnectionClient.builder().connectionString(connectionString)
                     .sslContext(tls).build()) {
            listener.open().get(10, TimeUnit.SECONDS);
            RelayConnection connection = sender.connect().get(10, TimeUnit.SECONDS);
            connection.sendText("order 43").get(10, TimeUnit.SECONDS);
            assertEquals("order 43", connection.receive(Duration.ofSeconds(10)).asText());
            connection.close(1000, "done").get(10, TimeUnit.SECONDS);
        }
    }
}
