package dev.relaysim.relay.gateway.internal.dns;

import dev.relaysim.relay.gateway.config.DnsFaults;
import dev.relaysim.relay.gateway.config.NamespaceConfig;
import dev.relaysim.relay.gateway.internal.metrics.DnsAnswer;
import dev.relaysim.relay.gateway.network.ConnectionStatus;
import dev.relaysim.relay.gateway.network.NetworkModel;
import dev.relaysim.relay.gateway.network.PrivateEndpoint;
import dev.relaysim.relay.gateway.network.VirtualNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Answers DNS queries for the public zone {@value #PUBLIC_ZONE_NAME} and the private zone
 * {@value #PRIVATE_ZONE_NAME} the way Azure DNS answers them, with a split horizon by the querier's address. Pure: a
 * query and its source address in, a response out; the {@link NetworkModel} and the {@link DnsFaults} are read anew
 * for every query, so changes show in the next answer.
 *
 * <p>Names and chains:
 * <ul>
 *   <li>{@code <ns>.servicebus.windows.net} (a namespace's configured host name in the public zone): CNAME
 *       {@code <ns>.privatelink.servicebus.windows.net} when the namespace has private endpoints (in any state), else
 *       CNAME {@value #CLUSTER_HOST_NAME}; TTL {@value #PUBLIC_TTL} s.</li>
 *   <li>{@code <ns>.privatelink.servicebus.windows.net}, for a namespace with private endpoints: from inside a
 *       virtual network (its address space or a connected network) that has an Approved endpoint of the namespace
 *       with private DNS integration ({@link PrivateEndpoint#privateDnsZoneGroup()}) and is linked to the private
 *       zone ({@link VirtualNetwork#privateDnsZoneLinked()}): A of the endpoint's address, TTL {@value #PRIVATE_TTL} s
 *       (or the {@link DnsFaults} stale address, or NXDOMAIN when the record is missing); from anywhere else: CNAME
 *       {@value #CLUSTER_HOST_NAME}.</li>
 *   <li>{@value #CLUSTER_HOST_NAME}, the public cluster host: A of the public front end; on a node of a gateway
 *       cluster, one A per live node (their front ends, in turn first), TTL {@value #CLUSTER_TTL} s.</li>
 *   <li>The zone apexes exist (SOA); any other name in the zones is NXDOMAIN with the zone's SOA in the authority
 *       section; names outside the zones are REFUSED (never recursive).</li>
 * </ul>
 * A chain is followed within the answer (as Azure DNS does); a type other than A (AAAA, MX, TXT, ...) gets the
 * CNAMEs and then no data: NOERROR with the SOA in the authority section. A CNAME query gets the first CNAME only.
 * Other classes than IN are REFUSED, other opcodes than QUERY NOTIMP, a query without exactly one question FORMERR;
 * a packet whose 12-byte header cannot be read, or that is itself a response, is dropped. Each kind of bad query is
 * logged once at INFO, then at DEBUG.
 */
public final class DnsAnswerer {

    public static final String PUBLIC_ZONE_NAME = "servicebus.windows.net.";
    public static final String PRIVATE_ZONE_NAME = "privatelink.servicebus.windows.net.";
    /** The public cluster host the chains end in; the name stands in for Azure's {@code ns-...} cluster names. */
    public static final String CLUSTER_HOST_NAME = "ns-relaysim-prod.cloudapp.servicebus.windows.net.";
    /** The TTL of A records in the private zone made by a private DNS zone group (Azure's default). */
    public static final long PRIVATE_TTL = 10;
    /** The TTL of the cluster host's A records on a node of a gateway cluster: clients find a live node soon. */
    public static final long CLUSTER_TTL = 10;
    /** The TTL of the public records. */
    public static final long PUBLIC_TTL = 60;
    /** The SOA minimum: how long resolvers may cache NXDOMAIN and no-data answers. */
    public static final long NEGATIVE_TTL = 10;
    /** The UDP payload size advertised in EDNS answers. */
    public static final int EDNS_PAYLOAD = 1232;

    static final Name PUBLIC_ZONE = name(PUBLIC_ZONE_NAME);
    static final Name PRIVATE_ZONE = name(PRIVATE_ZONE_NAME);
    static final Name CLUSTER_HOST = name(CLUSTER_HOST_NAME);
    /** The empty non-terminal between the public zone and the cluster host. */
    private static final Name CLUSTER_PARENT = name("cloudapp." + PUBLIC_ZONE_NAME);
    private static final int MAX_CHAIN = 8;
    private static final Logger logger = LoggerFactory.getLogger(DnsAnswerer.class);

    /** What a bad query was; each kind is logged at INFO once. */
    private enum Oddity { MALFORMED, DROPPED, REFUSED, NOT_IMPLEMENTED, FAILED }

    /** A response and how it is counted. */
    public record Answer(Message response, DnsAnswer kind) {
        public Answer {
            requireNonNull(response, "response");
            requireNonNull(kind, "kind");
        }
    }

    /** What a name is in the zones. */
    private sealed interface Node {
        record Alias(Name target) implements Node {
        }

        record Address(Inet4Address address, long ttl, boolean privateZone) implements Node {
        }

        record NodeAddresses(List<Inet4Address> addresses) implements Node {
        }

        record Apex(SOARecord soa) implements Node {
        }

        record EmptyNonTerminal() implements Node {
        }

        record Missing() implements Node {
        }
    }

    /** Public host name to namespace name; replaced as a whole when the management API changes namespaces. */
    private volatile Map<Name, String> namespacesByHost = Map.of();
    private final Set<String> outOfZoneLogged = ConcurrentHashMap.newKeySet();
    private final Supplier<NetworkModel> network;
    private final Inet4Address publicAddress;
    private final Supplier<List<Inet4Address>> nodeAddresses;
    private final Supplier<DnsFaults> faults;
    /** Whether answers say recursion is available (RA), as a virtual network's resolver (Azure DNS) does. */
    private final boolean recursionAvailable;
    private final Map<Oddity, AtomicBoolean> logged = new EnumMap<>(Oddity.class);

    /**
     * @param namespaces the namespaces; those whose host name lies in the public zone (and not in the private one)
     *                   get a public chain
     * @param network the live network model, read per query
     * @param publicAddress the public front end's address, the end of public chains
     * @param faults the live fault toggles, read per query
     */
    public DnsAnswerer(List<NamespaceConfig> namespaces, Supplier<NetworkModel> network, Inet4Address publicAddress,
                       Supplier<DnsFaults> faults) {
        this(namespaces, network, publicAddress, faults, false);
    }

    /**
     * As a virtual network's resolver when {@code recursionAvailable}: answers to recursive queries say recursion is
     * available (RA), as Azure DNS's do, so that {@code nslookup} and {@code dig} inside show what they show in Azure
     * (names outside the zones are still REFUSED: the simulated networks have no internet).
     */
    public DnsAnswerer(List<NamespaceConfig> namespaces, Supplier<NetworkModel> network, Inet4Address publicAddress,
                       Supplier<DnsFaults> faults, boolean recursionAvailable) {
        this(namespaces, network, publicAddress, List::of, faults, recursionAvailable);
    }

    /**
     * On a node of a gateway cluster: public chains end in the live nodes' front ends.
     *
     * @param nodeAddresses the live nodes' front-end addresses, read per query, in the order to answer them; empty
     *                      for {@code publicAddress}
     */
    public DnsAnswerer(List<NamespaceConfig> namespaces, Supplier<NetworkModel> network, Inet4Address publicAddress,
                       Supplier<List<Inet4Address>> nodeAddresses, Supplier<DnsFaults> faults,
                       boolean recursionAvailable) {
        this.nodeAddresses = requireNonNull(nodeAddresses, "nodeAddresses");
        this.recursionAvailable = recursionAvailable;
        namespacesChanged(namespaces);
        this.network = requireNonNull(network, "network");
        this.publicAddress = requireNonNull(publicAddress, "publicAddress");
        this.faults = requireNonNull(faults, "faults");
        for (Oddity oddity : Oddity.values()) {
            logged.put(oddity, new AtomicBoolean());
        }
    }

    /**
     * Answers for {@code namespaces} from now on (the management API created or deleted one): the next query sees
     * the new set.
     */
    public void namespacesChanged(List<NamespaceConfig> namespaces) {
        Map<Name, String> byHost = new HashMap<>();
        for (NamespaceConfig namespace : requireNonNull(namespaces, "namespaces")) {
            Name host = name(namespace.hostName() + '.');
            if (host.subdomain(PUBLIC_ZONE) && !host.subdomain(PRIVATE_ZONE) && !host.equals(PUBLIC_ZONE)) {
                byHost.put(host, namespace.name());
            } else if (outOfZoneLogged.add(namespace.name())) {
                logger.info("namespace {}: host name {} lies outside the DNS zone {} (or in {}); the DNS responder "
                        + "does not answer for it", namespace.name(), namespace.hostName(), PUBLIC_ZONE_NAME,
                        PRIVATE_ZONE_NAME);
            }
        }
        namespacesByHost = Map.copyOf(byHost);
    }

    /**
     * Answers a packet.
     *
     * @return empty when the packet is dropped: shorter than a DNS header, or a response itself
     */
    public Optional<Answer> answer(byte[] packet, InetAddress source) {
        requireNonNull(packet, "packet");
        requireNonNull(source, "source");
        if (packet.length < Header.LENGTH) {
            log(Oddity.DROPPED, "dropped a {}-byte packet from {}: too short for a DNS header", packet.length,
                    source.getHostAddress());
            return Optional.empty();
        }
        if ((packet[2] & 0x80) != 0) {
            log(Oddity.DROPPED, "dropped a DNS response from {}: only queries are answered", source.getHostAddress());
            return Optional.empty();
        }
        Message query;
        try {
            query = new Message(packet);
        } catch (IOException | RuntimeException e) {
            int id = (packet[0] & 0xff) << 8 | packet[1] & 0xff;
            int opcode = packet[2] >> 3 & 0xf;
            log(Oddity.MALFORMED, "answered FORMERR to a malformed DNS query from {}: {}", source.getHostAddress(),
                    e.getMessage());
            Message response = new Message(id);
            response.getHeader().setFlag(Flags.QR);
            response.getHeader().setOpcode(opcode);
            response.getHeader().setRcode(Rcode.FORMERR);
            return Optional.of(new Answer(response, DnsAnswer.FORMERR));
        }
        try {
            return Optional.of(answer(query, source));
        } catch (RuntimeException e) {
            // A query this class cannot answer is a bug here, not the querier's; it must not disturb other queries.
            if (logged.get(Oddity.FAILED).compareAndSet(false, true)) {
                logger.warn("dropped a DNS query from {} that could not be answered (logged once): {}",
                        source.getHostAddress(), query, e);
            }
            return Optional.empty();
        }
    }

    /** Answers a parsed query (which must not be a response). */
    public Answer answer(Message query, InetAddress source) {
        requireNonNull(query, "query");
        requireNonNull(source, "source");
        Header header = query.getHeader();
        Message response = new Message(header.getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setOpcode(header.getOpcode());
        if (header.getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
            if (recursionAvailable) {
                response.getHeader().setFlag(Flags.RA);
            }
        }
        OPTRecord opt = query.getOPT();
        if (opt != null) {
            response.addRecord(new OPTRecord(EDNS_PAYLOAD, 0, 0), Section.ADDITIONAL);
        }
        if (header.getOpcode() != Opcode.QUERY) {
            log(Oddity.NOT_IMPLEMENTED, "answered NOTIMP to a DNS {} from {}", Opcode.string(header.getOpcode()),
                    source.getHostAddress());
            response.getHeader().setRcode(Rcode.NOTIMP);
            return new Answer(response, DnsAnswer.REFUSED);
        }
        int questions = query.getSection(Section.QUESTION).size();
        if (questions != 1 || header.getCount(Section.QUESTION) != 1) {
            log(Oddity.MALFORMED, "answered FORMERR to a DNS query with {} questions from {} (expected: 1)",
                    Math.max(questions, header.getCount(Section.QUESTION)), source.getHostAddress());
            response.getHeader().setRcode(Rcode.FORMERR);
            return new Answer(response, DnsAnswer.FORMERR);
        }
        Record question = query.getQuestion();
        response.addRecord(question, Section.QUESTION);
        Name asked = question.getName();
        Name qname = asked.canonicalize();
        if (question.getDClass() != DClass.IN || !qname.subdomain(PUBLIC_ZONE)) {
            log(Oddity.REFUSED, "answered REFUSED to {} {} {} from {}: relaysim answers only {} and {}, never "
                    + "recursively", asked, DClass.string(question.getDClass()), Type.string(question.getType()),
                    source.getHostAddress(), PUBLIC_ZONE_NAME, PRIVATE_ZONE_NAME);
            response.getHeader().setRcode(Rcode.REFUSED);
            return new Answer(response, DnsAnswer.REFUSED);
        }
        response.getHeader().setFlag(Flags.AA);
        return new Answer(response, resolve(response, asked, qname, question.getType(), source));
    }

    /** Follows the chain from {@code qname}, adding the records to {@code response}. */
    private DnsAnswer resolve(Message response, Name asked, Name qname, int type, InetAddress source) {
        NetworkModel model = network.get();
        DnsFaults currentFaults = faults.get();
        Name owner = asked;
        Name current = qname;
        for (int hop = 0; hop < MAX_CHAIN; hop++) {
            Node node = lookup(current, source, model, currentFaults);
            if (node instanceof Node.Alias alias) {
                response.addRecord(new CNAMERecord(owner, DClass.IN, PUBLIC_TTL, alias.target()), Section.ANSWER);
                if (type == Type.CNAME) {
                    return DnsAnswer.PUBLIC;
                }
                owner = alias.target();
                current = alias.target();
            } else if (node instanceof Node.Address address) {
                if (type == Type.A || type == Type.ANY) {
                    response.addRecord(new ARecord(owner, DClass.IN, address.ttl(), address.address()),
                            Section.ANSWER);
                    return address.privateZone() ? DnsAnswer.PRIVATE : DnsAnswer.PUBLIC;
                }
                return noData(response, current);
            } else if (node instanceof Node.NodeAddresses nodes) {
                if (type == Type.A || type == Type.ANY) {
                    for (Inet4Address address : nodes.addresses()) {
                        response.addRecord(new ARecord(owner, DClass.IN, CLUSTER_TTL, address), Section.ANSWER);
                    }
                    return DnsAnswer.PUBLIC;
                }
                return noData(response, current);
            } else if (node instanceof Node.Apex apex) {
                if (type == Type.SOA || type == Type.ANY) {
                    response.addRecord(apex.soa(), Section.ANSWER);
                    return DnsAnswer.PUBLIC;
                }
                return noData(response, current);
            } else if (node instanceof Node.EmptyNonTerminal) {
                return noData(response, current);
            } else {
                response.getHeader().setRcode(Rcode.NXDOMAIN);
                response.addRecord(soa(current), Section.AUTHORITY);
                return DnsAnswer.NXDOMAIN;
            }
        }
        throw new IllegalStateException("a CNAME chain longer than " + MAX_CHAIN + " from " + qname);
    }

    private static DnsAnswer noData(Message response, Name name) {
        response.addRecord(soa(name), Section.AUTHORITY);
        return DnsAnswer.NODATA;
    }

    private Node lookup(Name name, InetAddress source, NetworkModel model, DnsFaults currentFaults) {
        if (name.equals(PUBLIC_ZONE) || name.equals(PRIVATE_ZONE)) {
            return new Node.Apex(soa(name));
        }
        if (name.equals(CLUSTER_HOST)) {
            List<Inet4Address> nodes = nodeAddresses.get();
            return nodes.isEmpty() ? new Node.Address(publicAddress, PUBLIC_TTL, false) : new Node.NodeAddresses(nodes);
        }
        if (name.equals(CLUSTER_PARENT)) {
            return new Node.EmptyNonTerminal();
        }
        if (name.subdomain(PRIVATE_ZONE)) {
            if (name.labels() != PRIVATE_ZONE.labels() + 1) {
                return new Node.Missing();
            }
            String namespace = name.getLabelString(0);
            List<PrivateEndpoint> endpoints = model.namespace(namespace).privateEndpoints();
            if (endpoints.isEmpty()) {
                return new Node.Missing();
            }
            Optional<PrivateEndpoint> endpoint = privateAnswer(model, endpoints, source);
            if (endpoint.isEmpty()) {
                return new Node.Alias(CLUSTER_HOST);
            }
            if (currentFaults.missingARecord(namespace)) {
                return new Node.Missing();
            }
            Inet4Address address = currentFaults.staleARecord(namespace)
                    .orElse(endpoint.get().privateIpAddress());
            return new Node.Address(address, PRIVATE_TTL, true);
        }
        String namespace = namespacesByHost.get(name);
        if (namespace == null) {
            return new Node.Missing();
        }
        return model.namespace(namespace).privateEndpoints().isEmpty()
                ? new Node.Alias(CLUSTER_HOST)
                : new Node.Alias(privateLinkName(namespace));
    }

    /**
     * The endpoint whose private zone record {@code source} sees: Approved, registered in the zone, in a virtual
     * network linked to the zone that {@code source} is part of (its address space or a connected network).
     */
    private static Optional<PrivateEndpoint> privateAnswer(NetworkModel model, List<PrivateEndpoint> endpoints,
                                                           InetAddress source) {
        for (PrivateEndpoint endpoint : endpoints) {
            if (endpoint.status() == ConnectionStatus.APPROVED && endpoint.privateDnsZoneGroup()
                    && model.virtualNetwork(endpoint.virtualNetwork())
                    .filter(VirtualNetwork::privateDnsZoneLinked)
                    .filter(network -> network.canBeReachedFrom(source))
                    .isPresent()) {
                return Optional.of(endpoint);
            }
        }
        return Optional.empty();
    }

    /** {@code <namespace>.privatelink.servicebus.windows.net.} */
    static Name privateLinkName(String namespace) {
        return name(namespace.toLowerCase(Locale.ROOT) + '.' + PRIVATE_ZONE_NAME);
    }

    /** The SOA of the zone {@code name} lies in, as Azure DNS (public) and Azure Private DNS publish them. */
    private static SOARecord soa(Name name) {
        boolean privateZone = name.subdomain(PRIVATE_ZONE);
        Name zone = privateZone ? PRIVATE_ZONE : PUBLIC_ZONE;
        Name host = name(privateZone ? "azureprivatedns.net." : "ns1-201.azure-dns.com.");
        Name admin = name(privateZone ? "azureprivatedns-host.microsoft.com." : "azuredns-hostmaster.microsoft.com.");
        return new SOARecord(zone, DClass.IN, NEGATIVE_TTL, host, admin, 1, 3600, 300, 2419200, NEGATIVE_TTL);
    }

    private static Name name(String text) {
        try {
            return Name.fromString(text, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("\"" + text + "\" (expected: a DNS name)", e);
        }
    }

    private void log(Oddity oddity, String format, Object... arguments) {
        if (logged.get(oddity).compareAndSet(false, true)) {
            logger.info(format + " (logged once; later ones at DEBUG)", arguments);
        } else if (logger.isDebugEnabled()) {
            logger.debug(format, arguments);
        }
    }
}
