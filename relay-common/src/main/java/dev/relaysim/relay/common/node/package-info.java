/**
 * Node.js packages installed with npm under a build directory on first use: Microsoft's Node clients for the interop
 * tests, Node {@code ws} for the bench's second client stack.
 */
package dev.relaysim.relay.common.node;
