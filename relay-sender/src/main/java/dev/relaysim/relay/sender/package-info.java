/**
 * The Hybrid Connections sender: {@link dev.relaysim.relay.sender.HybridConnectionClient} opens
 * relayed WebSockets to a hybrid connection's listeners, {@link
 * dev.relaysim.relay.sender.HybridConnectionHttpClient} sends them HTTP requests (HTTP request mode);
 * {@link dev.relaysim.relay.sender.SenderMain} is the {@code send} command, which checks a listener's
 * echo or, with {@code --http}, prints an HTTP response like curl.
 */
package dev.relaysim.relay.sender;
