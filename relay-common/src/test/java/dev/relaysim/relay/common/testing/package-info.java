/**
 * Test fixtures shared by every module through relay-common's test-jar: buffer-leak detection
 * that fails the build.
 */
package dev.relaysim.relay.common.testing;
