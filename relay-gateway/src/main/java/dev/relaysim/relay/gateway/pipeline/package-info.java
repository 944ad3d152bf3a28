/**
 * The gateway's Netty pipelines: one initializer per role
 * ({@link dev.relaysim.relay.gateway.pipeline.FrontEndChannelInitializer front ends},
 * {@link dev.relaysim.relay.gateway.pipeline.RendezvousChannelInitializer rendezvous ports}), the
 * {@link dev.relaysim.relay.gateway.pipeline.UpgradeRouter} that parses, authorizes and dispatches each upgrade
 * request, the handlers around it (handshake timeout, request aggregation, the error handler) and the
 * service-style error responses.
 */
package dev.relaysim.relay.gateway.pipeline;
