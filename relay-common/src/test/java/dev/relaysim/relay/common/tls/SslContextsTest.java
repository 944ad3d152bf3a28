package dev.relaysim.relay.common.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLEngine;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JDK fallback: this module does not depend on netty-tcnative, so its client contexts run on the JDK's TLS (the
 * BoringSSL side is checked where the gateway brings netty-tcnative, in {@code TlsHandshakeTest}).
 */
class SslContextsTest {

    @Test
    void withoutTcnativeClientsRunOnTheJdkAndStillVerifyHostNames() {
        assertThat(OpenSsl.isAvailable()).as("netty-tcnative loads").isFalse();

        SslContext context = SslContexts.forClientWithSystemTrust();
        SSLEngine engine = context.newEngine(ByteBufAllocator.DEFAULT, "localhost", 443);

        assertThat(SslContexts.provider()).isEqualTo(SslProvider.JDK);
        assertThat(context).isInstanceOf(JdkSslContext.class);
        assertThat(engine.getSSLParameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
        assertThat(List.of(engine.getEnabledProtocols())).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
    }
}
