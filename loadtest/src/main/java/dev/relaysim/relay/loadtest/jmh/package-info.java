/**
 * JMH microbenchmarks of the hot paths outside the relay pair: SAS verification and the control-message codec.
 * The relay pair's benchmark lives in {@code dev.relaysim.relay.gateway.internal.relay} (same package as the
 * package-private {@code RelayPair.start}). Run them with
 * {@code java -cp 'loadtest/target/loadtest.jar:loadtest/target/lib/*' org.openjdk.jmh.Main}; they never run in
 * {@code mvn verify}.
 */
package dev.relaysim.relay.loadtest.jmh;
