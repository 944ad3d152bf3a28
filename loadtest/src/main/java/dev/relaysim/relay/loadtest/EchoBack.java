package dev.relaysim.relay.loadtest;

import dev.relaysim.relay.common.client.RelayConnection;
import dev.relaysim.relay.common.client.RelayMessage;
import dev.relaysim.relay.common.client.RelayMessageHandler;

/** The relay listeners' echo: sends every message back on the connection it came from, with its type. */
record EchoBack(RelayConnection connection) implements RelayMessageHandler {

    @Override
    public void onMessage(RelayMessage message) {
        connection.send(message);
    }
}
