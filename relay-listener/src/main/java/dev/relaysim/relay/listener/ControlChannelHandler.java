package dev.relaysim.relay.listener;

import dev.relaysim.relay.common.client.RelayMessage;
import dev.relaysim.relay.common.client.RelayMessageHandler;
import dev.relaysim.relay.common.protocol.AcceptCommand;
import dev.relaysim.relay.common.protocol.ControlCommand;
import dev.relaysim.relay.common.protocol.ControlCommandCodec;
import dev.relaysim.relay.common.protocol.ControlCommandException;
import dev.relaysim.relay.common.protocol.RequestCommand;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * Reads one control channel: decodes each text message into a command, hands {@code accept} and {@code request}
 * commands to {@link Commands}, pairs a request that announced a body with the binary message after it, and reports
 * the channel's end. Anything else (binary messages out of place, undecodable text, other commands) is ignored,
 * logged once per kind for the listener's lifetime. Messages arrive on the channel's event loop, one at a time.
 */
final class ControlChannelHandler implements RelayMessageHandler {

    private static final Logger logger = LoggerFactory.getLogger(ControlChannelHandler.class);

    /** Where the commands of one control channel go. */
    interface Commands {

        void accept(AcceptCommand accept);

        /** A request; {@code body} is the binary message that followed it, or {@code null} when it has none. */
        void request(RequestCommand request, byte @Nullable [] body);

        /** The control channel closed with {@code code} and {@code reason}. */
        void closed(int code, String reason);
    }

    private final String listenerId;
    private final Commands commands;
    private final Set<String> ignoredKinds;
    /** A request whose body is the next message. */
    private @Nullable RequestCommand awaitingBody;

    /**
     * @param ignoredKinds the kinds of ignored messages already logged, shared by the listener's control channels
     *                     (see {@link #newIgnoredKinds()})
     */
    ControlChannelHandler(String listenerId, Commands commands, Set<String> ignoredKinds) {
        this.listenerId = requireNonNull(listenerId, "listenerId");
        this.commands = requireNonNull(commands, "commands");
        this.ignoredKinds = requireNonNull(ignoredKinds, "ignoredKinds");
    }

    /** A thread-safe set for {@code ignoredKinds}. */
    static Set<String> newIgnoredKinds() {
        return ConcurrentHashMap.newKeySet();
    }

    @Override
    public void onMessage(RelayMessage message) {
        RequestCommand request = awaitingBody;
        if (request == null) {
            onCommandMessage(message);
            return;
        }
        awaitingBody = null;
        if (message.isBinary()) {
            commands.request(request, message.data());
            return;
        }
        logger.warn("listener {}: request {} announced a body, but a text message followed; dropping the request",
                listenerId, request.id());
        onCommandMessage(message);
    }

    @Override
    public void onClose(int code, String reason) {
        commands.closed(code, reason);
    }

    private void onCommandMessage(RelayMessage message) {
        if (message.isBinary()) {
            ignoreOnce("binary", "binary messages on the control channel");
            return;
        }
        ControlCommand command;
        try {
            command = ControlCommandCodec.decode(message.asText());
        } catch (ControlCommandException e) {
            ignoreOnce("undecodable", "control messages it cannot decode (" + e.getMessage() + ")");
            return;
        }
        if (command instanceof AcceptCommand accept) {
            commands.accept(accept);
        } else if (command instanceof RequestCommand request) {
            if (request.body()) {
                awaitingBody = request;
            } else {
                commands.request(request, null);
            }
        } else {
            String kind = command.getClass().getSimpleName();
            ignoreOnce(kind, kind + " commands");
        }
    }

    private void ignoreOnce(String kind, String what) {
        if (ignoredKinds.add(kind)) {
            logger.warn("listener {} ignores {} (logged once)", listenerId, what);
        } else {
            logger.debug("listener {} ignored one of {}", listenerId, what);
        }
    }
}
