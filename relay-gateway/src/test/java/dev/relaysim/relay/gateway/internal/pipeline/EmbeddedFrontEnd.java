package dev.relaysim.relay.gateway.internal.pipeline;

import dev.relaysim.relay.common.protocol.ControlCommand;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.ControlCommandException;
import dev.relaysim.relay.gateway.internal.limits.ConnectionLimits.Admission;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

import java.nio.charset.StandardCharsets;

/** What the pipeline tests do with an embedded front-end channel: build it, write requests, read what it wrote. */
final class EmbeddedFrontEnd {

    private EmbeddedFrontEnd() {
    }

    /** A channel with the front end's HTTP handlers, its connection admitted. */
    static EmbeddedChannel frontEnd(GatewayContext context) {
        EmbeddedChannel embedded = new EmbeddedChannel();
        GatewayPipelines.addHttpHandlers(embedded.pipeline(), context, true, -1, Admission.ADMITTED);
        return embedded;
    }

    /** Writes {@code request} to {@code channel} as if its client had sent it. */
    static void writeText(EmbeddedChannel channel, String request) {
        channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
    }

    /** Everything {@code channel} has written so far, as text. */
    static String writtenText(EmbeddedChannel channel) {
        StringBuilder response = new StringBuilder();
        for (Object written; (written = channel.readOutbound()) != null; ) {
            ByteBuf buffer = (ByteBuf) written;
            response.append(buffer.toString(StandardCharsets.UTF_8));
            buffer.release();
        }
        return response.toString();
    }

    /** The control command in {@code frame}, which it releases. */
    static ControlCommand decode(TextWebSocketFrame frame) {
        try {
            return ControlCommandCodec.decode(frame.text());
        } catch (ControlCommandException e) {
            throw new AssertionError(e);
        } finally {
            frame.release();
        }
    }
}
