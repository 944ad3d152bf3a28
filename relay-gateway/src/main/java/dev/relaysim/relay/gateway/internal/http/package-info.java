/**
 * HTTP request mode: senders' plain HTTP requests ({@code https://<namespace>/<entity>[/suffix][?query]}) relayed to
 * a listener as {@code request} commands and answered with the listener's {@code response}.
 * <ul>
 *   <li>{@link dev.relaysim.relay.gateway.internal.http.HttpSenderHandler}: the router of a sender's connection on a
 *       front end (admission through the {@link dev.relaysim.relay.gateway.internal.admission.Gatekeeper}, request body
 *       in, response out, keep-alive);</li>
 *   <li>{@link dev.relaysim.relay.gateway.internal.http.HttpRequestMode}: what these handlers use of the gateway;</li>
 *   <li>{@link dev.relaysim.relay.gateway.internal.http.HttpExchange}: one request and its response, on the sender's
 *       event loop;</li>
 *   <li>{@link dev.relaysim.relay.gateway.internal.http.HttpExchanges}: the exchanges by request id, for responses and
 *       request rendezvous;</li>
 *   <li>{@link dev.relaysim.relay.gateway.internal.http.RequestRendezvousRouter} and
 *       {@link dev.relaysim.relay.gateway.internal.http.RequestRendezvousHandler}: a listener's {@code
 *       sb-hc-action=request} WebSocket, admitted and served;</li>
 *   <li>{@link dev.relaysim.relay.gateway.internal.http.ListenerRequests}: what a listener is told about a
 *       request.</li>
 * </ul>
 */
package dev.relaysim.relay.gateway.internal.http;
