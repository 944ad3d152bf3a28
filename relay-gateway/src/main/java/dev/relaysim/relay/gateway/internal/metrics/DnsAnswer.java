package dev.relaysim.relay.gateway.internal.metrics;

/**
 * What the DNS responder answered: the {@value RelayMeters#ANSWER} tag of {@value RelayMeters#DNS_QUERIES}. A fixed
 * set, so that the tag's cardinality stays fixed.
 */
public enum DnsAnswer {

    /** Records ending in a private endpoint's address (the private DNS zone answered). */
    PRIVATE("private"),
    /** Records ending in the public front end's address, or a chain of CNAMEs in the public zone. */
    PUBLIC("public"),
    /** NXDOMAIN: the name does not exist in the zones (or the private A record is missing). */
    NXDOMAIN("nxdomain"),
    /** REFUSED (a name outside the zones, a class other than IN) or NOTIMP (an opcode other than QUERY). */
    REFUSED("refused"),
    /** NOERROR without a record of the asked type at the end of the chain (AAAA, MX, ...). */
    NODATA("nodata"),
    /** FORMERR: a malformed query whose header could be read. */
    FORMERR("formerr");

    private final String tagValue;

    DnsAnswer(String tagValue) {
        this.tagValue = tagValue;
    }

    /** The tag value, such as {@code nxdomain}. */
    public String tagValue() {
        return tagValue;
    }
}
