/**
 * The gateway's Netty pipelines: one initializer,
 * {@link dev.relaysim.relay.gateway.pipeline.GatewayChannelInitializer}, keyed by the port's
 * {@link dev.relaysim.relay.gateway.pipeline.PortRole} (front end, rendezvous port or both), the
 * {@link dev.relaysim.relay.gateway.pipeline.UpgradeRouter} that parses, authorizes and dispatches each upgrade
 * request, the handlers around it (handshake timeout, request aggregation, the error handler), the
 * service-style error responses, and the {@link dev.relaysim.relay.gateway.pipeline.NetworkGuard} that judges every
 * connection by the network settings (Private Link, IP rules) from its real TCP addresses and closes those a live
 * change no longer admits.
 */
package dev.relaysim.relay.gateway.pipeline;
