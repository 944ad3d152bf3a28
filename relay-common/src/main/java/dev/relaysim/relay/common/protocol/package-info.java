/**
 * The Hybrid Connections wire protocol as data: parameter and header names
 * ({@link dev.relaysim.relay.common.protocol.HybridConnectionConstants}), actions
 * ({@link dev.relaysim.relay.common.protocol.HcAction}), request targets parsed once
 * ({@link dev.relaysim.relay.common.protocol.RelayRequestTarget}), percent-encoding
 * ({@link dev.relaysim.relay.common.protocol.PercentCodec}) and the control-channel commands
 * ({@link dev.relaysim.relay.common.protocol.ControlCommand}) with their JSON codec
 * ({@link dev.relaysim.relay.common.protocol.ControlCommandCodec}).
 *
 * <p>Everything here is immutable and free of Netty types, so it can be used from any thread.
 */
package dev.relaysim.relay.common.protocol;
