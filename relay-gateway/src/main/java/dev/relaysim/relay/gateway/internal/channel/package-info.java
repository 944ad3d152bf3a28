/**
 * What every server's pipeline shares, below the packages that assemble the pipelines: the last handler
 * ({@link dev.relaysim.relay.gateway.internal.channel.ErrorHandler}) and close-frame reasons cut to the 123 bytes
 * RFC 6455 allows ({@link dev.relaysim.relay.gateway.internal.channel.CloseReasons}).
 */
package dev.relaysim.relay.gateway.internal.channel;
