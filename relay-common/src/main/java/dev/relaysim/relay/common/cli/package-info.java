/**
 * What the client commands ({@code listen}, {@code send}) share: the connection options, their
 * defaults, and quiet logging.
 */
package dev.relaysim.relay.common.cli;
