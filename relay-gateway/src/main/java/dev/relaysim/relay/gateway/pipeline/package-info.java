/**
 * The gateway's Netty pipelines: one initializer per role
 * ({@link dev.relaysim.relay.gateway.pipeline.FrontEndChannelInitializer front ends},
 * {@link dev.relaysim.relay.gateway.pipeline.RendezvousChannelInitializer rendezvous ports}), the
 * {@link dev.relaysim.relay.gateway.pipeline.UpgradeRouter} that parses each upgrade request and dispatches it by
 * action to one router each ({@link dev.relaysim.relay.gateway.pipeline.ListenRouter},
 * {@link dev.relaysim.relay.gateway.pipeline.ConnectRouter}, {@link dev.relaysim.relay.gateway.pipeline.AcceptRouter},
 * and the HTTP package's request rendezvous), and the handlers around them (handshake timeout, request
 * aggregation, the source limit, the error handler).
 */
package dev.relaysim.relay.gateway.pipeline;
