/**
 * The gateway's Netty pipelines: one initializer per role
 * ({@link dev.relaysim.relay.gateway.pipeline.FrontEndChannelInitializer front ends},
 * {@link dev.relaysim.relay.gateway.pipeline.RendezvousChannelInitializer rendezvous ports}), the
 * {@link dev.relaysim.relay.gateway.pipeline.UpgradeRouter} that parses, authorizes and dispatches each upgrade
 * request, the handlers around it (handshake timeout, request aggregation, the error handler), the
 * service-style error responses, and the {@link dev.relaysim.relay.gateway.pipeline.NetworkGuard} that judges every
 * connection by the network settings (Private Link, IP rules) from its real TCP addresses and closes those a live
 * change no longer admits.
 */
package dev.relaysim.relay.gateway.pipeline;
