/**
 * The standalone application: {@link dev.relaysim.relay.standalone.RelaysimMain} dispatches
 * {@code relaysim <command>} to the main class of the module that owns the command, from one table of commands;
 * the module's build shades everything into {@code relaysim-VERSION-standalone.jar} and packs the distribution
 * archive.
 */
package dev.relaysim.relay.standalone;
