/**
 * Host name resolution through a chosen DNS server ({@code --dns host:port}) with dnsjava: the query leaves from the
 * client's source address, so that a split-horizon server answers as it would for that machine, and the CNAME chain
 * is kept for diagnosis.
 */
package dev.relaysim.relay.common.dns;
