/**
 * Test fixtures shared by every module through relay-common's test-jar: buffer-leak detection
 * that fails the build, and the seeded-random fuzz harness ({@link dev.relaysim.relay.common.testing.Gen},
 * {@link dev.relaysim.relay.common.testing.Fuzz}, {@link dev.relaysim.relay.common.testing.Mutations}).
 */
package dev.relaysim.relay.common.testing;
