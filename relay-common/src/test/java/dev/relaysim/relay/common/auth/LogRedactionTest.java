package dev.relaysim.relay.common.auth;

import dev.relaysim.relay.common.protocol.PercentCodec;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class LogRedactionTest {

    private static final String TOKEN = SharedAccessSignature.createToken("http://ns.servicebus.windows.net/hc/",
            "RootManageSharedAccessKey", "SECRETKEY", Instant.ofEpochSecond(1_700_000_000L));

    @Test
    void redactsTokensInQueries() {
        assertThat(LogRedaction.redact("target '/$hc/e?sb-hc-token=SharedAccessSignature%20sr%3Dx&b=1'"))
                .isEqualTo("target '/$hc/e?sb-hc-token=***&b=1'");
        assertThat(LogRedaction.redact("/$hc/e?SB-HC-TOKEN=" + PercentCodec.encode(TOKEN)))
                .isEqualTo("/$hc/e?SB-HC-TOKEN=***");
    }

    @Test
    void redactsSignaturesInEveryEncoding() {
        String signature = TOKEN.substring(TOKEN.indexOf("sig=") + 4, TOKEN.indexOf("&se="));
        assertThat(LogRedaction.redact("sig=" + signature + "&se=1")).isEqualTo("sig=***&se=1");
        assertThat(LogRedaction.redact("in 'sig%3D" + PercentCodec.encode(signature) + "%26se%3D1'"))
                .isEqualTo("in 'sig%3D***'");
        assertThat(LogRedaction.redact("in 'SIG%253D" + PercentCodec.encode(PercentCodec.encode(signature)) + "'"))
                .isEqualTo("in 'SIG%253D***'");
        assertThat(LogRedaction.redact("SAS token: sig: 'abc+/=' is not base64"))
                .isEqualTo("SAS token: sig: '***' is not base64");
    }

    @Test
    void redactsWholeTokensAndJsonTokenFields() {
        assertThat(LogRedaction.redact("header " + TOKEN))
                .isEqualTo("header SharedAccessSignature ***&sig=***&se=1700000000&skn=RootManageSharedAccessKey");
        assertThat(LogRedaction.redact("q SharedAccessSignature%20sig%3Dabc"))
                .isEqualTo("q SharedAccessSignature%20***");
        assertThat(LogRedaction.redact("{\"renewToken\":{\"token\":\"" + "abc&def" + "\"}}"))
                .isEqualTo("{\"renewToken\":{\"token\":\"***&def\"}}");
    }

    @Test
    void leavesOtherTextAlone() {
        String text = "refused 401: unknown key name 'no-such-rule' (remote /127.0.0.1:55056) signal=1 design";
        assertThat(LogRedaction.redact(text)).isEqualTo(text);
    }
}
