/**
 * The Hybrid Connections sender: {@link dev.relaysim.relay.sender.HybridConnectionClient} opens
 * relayed WebSockets to a hybrid connection's listeners; {@link dev.relaysim.relay.sender.SenderMain}
 * is the {@code send} command, which checks a listener's echo.
 */
package dev.relaysim.relay.sender;
