package dev.relaysim.relay.common.protocol;

/**
 * A command on a listener's control channel, one JSON text message each; {@link ControlCommandCodec}
 * converts them. The service sends {@link AcceptCommand} and {@link RequestCommand}; the listener sends
 * {@link ResponseCommand} and {@link RenewTokenCommand}.
 */
public sealed interface ControlCommand permits AcceptCommand, RequestCommand, ResponseCommand, RenewTokenCommand {
}
