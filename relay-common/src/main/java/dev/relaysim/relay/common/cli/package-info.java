/**
 * What the commands share: version, log level and short errors ({@link dev.relaysim.relay.common.cli.Cli}); the client commands ({@code listen}, {@code send}, {@code probe}) also the connection options, their
 * defaults, and quiet logging.
 */
package dev.relaysim.relay.common.cli;
