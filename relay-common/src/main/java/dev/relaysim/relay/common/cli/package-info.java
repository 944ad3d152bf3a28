/**
 * What the commands share: version, log level and one-line errors for bad arguments ({@link
 * dev.relaysim.relay.common.cli.Cli}); the client commands ({@code listen}, {@code send}, {@code probe}) also the
 * connection options, their defaults (which CA to trust), and quiet logging.
 */
package dev.relaysim.relay.common.cli;
