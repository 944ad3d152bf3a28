package dev.relaysim.relay.loadtest;

import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayMessage;
import dev.relaysim.relay.common.client.RelayMessageHandler;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/** The relay listeners' echo: sends every message back on the connection it came from, with its type. */
record EchoBack(RelayConnection connection) implements RelayMessageHandler {

    @Override
    public void onMessage(RelayMessage message) {
        connection.send(message);
    }

    /** Binary messages go back in the buffer they arrived in, without a copy. */
    @Override
    public void onMessage(boolean text, ByteBuf content) {
        if (text) {
            connection.sendText(content.toString(StandardCharsets.UTF_8));
        } else {
            connection.send(content.retain());
        }
    }
}
