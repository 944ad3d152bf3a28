/**
 * {@code bench}: drives real listeners and senders through a relaysim gateway (one it starts in-process, or one
 * given by connection string) and, in the same run, the same load against baselines (a direct WebSocket to a
 * Netty echo server, and nginx as a WebSocket reverse proxy in front of it when nginx is installed); with
 * {@code --cluster N}, through N gateway processes in one Hazelcast cluster, senders and listeners on one node
 * against different nodes ({@link dev.relaysim.relay.loadtest.ClusterBench}). Every message is checked byte-exact;
 * results go to a summary table, a JSON file and a PNG chart.
 */
package dev.relaysim.relay.loadtest;
