/**
 * The gateway's Netty pipelines: one initializer,
 * {@link dev.relaysim.relay.gateway.internal.pipeline.GatewayChannelInitializer}, keyed by the port's
 * {@link dev.relaysim.relay.gateway.internal.pipeline.PortRole} (front end, rendezvous port or both), the
 * {@link dev.relaysim.relay.gateway.internal.pipeline.UpgradeRouter} that parses each upgrade request and dispatches it
 * by action to one router each ({@link dev.relaysim.relay.gateway.internal.pipeline.ListenRouter},
 * {@link dev.relaysim.relay.gateway.internal.pipeline.ConnectRouter}, {@link
 * dev.relaysim.relay.gateway.internal.pipeline.AcceptRouter}, and the HTTP package's request rendezvous), and the
 * handlers around them (handshake timeout, request aggregation, the source limit, the error handler).
 */
package dev.relaysim.relay.gateway.internal.pipeline;
