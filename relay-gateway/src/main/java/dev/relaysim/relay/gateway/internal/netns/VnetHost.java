package dev.relaysim.relay.gateway.internal.netns;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.relaysim.relay.gateway.network.Ipv4Prefix;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Makes the virtual networks of {@link VnetPlan}s on this machine with {@code ip}, keeps them in step with the plans
 * and removes them again. Per network: the namespace, a veth pair ({@code eth0} inside, {@code rs...} on the host),
 * the machine's address inside with the subnet route and host routes to connected networks' endpoints, on the host
 * end the public front end's, the resolver's and the endpoints' addresses (all inside the subnet) and the subnet
 * route, and the namespace's {@code resolv.conf}.
 * No default route, no forwarding, no NAT; IPv6 address generation is off on both ends, so the pair carries only
 * the network's own IPv4 addresses.
 *
 * <p>Before it makes a namespace it writes an owner mark (its process id and start time) in the state directory;
 * {@link #removeLeftovers()} removes what marks of processes that are gone name, so that a gateway killed with
 * SIGKILL is cleaned up by the next one. A namespace or interface that exists without a mark is never touched:
 * starting fails, naming it.
 */
final class VnetHost implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(VnetHost.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Path NETNS_RUN = Path.of("/run/netns");

    /** What an owner mark says: which process made which namespace and host interface. */
    record OwnerMark(long pid, String processStart, String namespace, String hostInterface) {
    }

    private final VnetLayout layout;
    private final Map<String, VnetPlan> made = new LinkedHashMap<>();
    private boolean closed;

    VnetHost(VnetLayout layout) {
        this.layout = requireNonNull(layout, "layout");
    }

    /**
     * Removes the namespaces, host interfaces and resolver files whose owner marks name a process that is gone, and
     * the marks. Fails when a running process owns one: another {@code gateway --netns} uses this state directory, or
     * a {@code vnet run --address} still runs.
     */
    void removeLeftovers() throws IOException {
        if (!Files.isDirectory(layout.stateDirectory())) {
            return;
        }
        List<Path> marks = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(layout.stateDirectory(), "*.owner")) {
            entries.forEach(marks::add);
        }
        for (Path markFile : marks) {
            OwnerMark mark = JSON.readValue(markFile.toFile(), OwnerMark.class);
            if (isRunning(mark)) {
                throw new IOException("a running relaysim process (pid " + mark.pid() + ", gateway --netns or vnet "
                        + "run --address) owns network namespace " + mark.namespace() + " (" + markFile
                        + "); stop it first");
            }
            logger.info("removing network namespace {} and interface {} left by gateway pid {}", mark.namespace(),
                    mark.hostInterface(), mark.pid());
            remove(mark.namespace(), mark.hostInterface());
        }
    }

    /** Makes the networks of {@code plans} that are missing, updates the others, removes those no longer planned. */
    synchronized void apply(List<VnetPlan> plans) throws IOException {
        if (closed) {
            return;
        }
        Map<String, VnetPlan> wanted = new LinkedHashMap<>();
        plans.forEach(plan -> wanted.put(plan.namespace(), plan));
        for (VnetPlan old : List.copyOf(made.values())) {
            if (!wanted.containsKey(old.namespace())) {
                remove(old.namespace(), old.hostInterface());
                made.remove(old.namespace());
            }
        }
        for (VnetPlan plan : wanted.values()) {
            VnetPlan old = made.get(plan.namespace());
            if (old == null) {
                create(plan);
            } else {
                update(old, plan);
            }
            made.put(plan.namespace(), plan);
        }
    }

    /** The networks made, in plan order. */
    synchronized List<VnetPlan> networks() {
        return List.copyOf(made.values());
    }

    /** Removes every namespace, interface, resolver file and mark made through this instance. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (VnetPlan plan : made.values()) {
            try {
                remove(plan.namespace(), plan.hostInterface());
            } catch (IOException e) {
                logger.warn("cannot remove network namespace {}: {}", plan.namespace(), e.getMessage());
            }
        }
        made.clear();
    }

    /**
     * Adds one more machine to a network made by a running gateway, at {@code machine}'s address ({@code vnet run
     * --address}): a namespace of its own with a veth pair whose host end routes just that address, so that the
     * network's resolver and endpoints on the network's host end answer it as they answer the network's own machine.
     * {@link #close()} removes it.
     */
    synchronized void addMachine(VnetPlan machine) throws IOException {
        createNamespace(machine);
        HostCommands.ip("link", "set", machine.hostInterface(), "up");
        HostCommands.ip("route", "add", machine.address().getHostAddress() + "/32", "dev", machine.hostInterface());
        made.put(machine.namespace(), machine);
        logger.info("virtual network {}: machine {} in network namespace {}", machine.vnet(),
                machine.address().getHostAddress(), machine.namespace());
    }

    private void create(VnetPlan plan) throws IOException {
        String host = plan.hostInterface();
        checkNoHostRouteOverlaps(plan);
        createNamespace(plan);
        HostCommands.ip("addr", "add", plan.publicFrontEnd().getHostAddress() + "/32", "dev", host);
        HostCommands.ip("addr", "add", plan.resolver().getHostAddress() + "/32", "dev", host);
        for (Inet4Address endpoint : plan.endpoints()) {
            HostCommands.ip("addr", "add", endpoint.getHostAddress() + "/32", "dev", host);
        }
        HostCommands.ip("link", "set", host, "up");
        HostCommands.ip("route", "add", plan.subnet().toString(), "dev", host);
        logger.info("virtual network {}: network namespace {} ({} on eth0), host interface {} ({}, public front end "
                        + "{}, resolver {}{})", plan.vnet(), plan.namespace(), plan.addressWithLength(), host,
                plan.subnet(), plan.publicFrontEnd().getHostAddress(), plan.resolver().getHostAddress(),
                plan.endpoints().isEmpty() ? "" : ", private endpoints "
                        + plan.endpoints().stream().map(Inet4Address::getHostAddress).toList());
    }

    /**
     * The owner mark, the namespace, the veth pair with the machine's address inside, the routes to connected
     * networks' endpoints and the {@code resolv.conf}; the host end is left down and without addresses.
     */
    private void createNamespace(VnetPlan plan) throws IOException {
        String namespace = plan.namespace();
        String host = plan.hostInterface();
        if (Files.exists(NETNS_RUN.resolve(namespace))) {
            throw new IOException("network namespace " + namespace + " exists and relaysim did not make it (no owner "
                    + "mark in " + layout.stateDirectory() + "); remove it (ip netns del " + namespace + ") or set "
                    + VnetLayout.PREFIX_ENV);
        }
        if (interfaceExists(host)) {
            throw new IOException("network interface " + host + " exists and relaysim did not make it; remove it "
                    + "(ip link del " + host + ')');
        }
        writeOwnerMark(plan);
        HostCommands.ip("netns", "add", namespace);
        HostCommands.ip("link", "add", host, "type", "veth", "peer", "name", "eth0", "netns", namespace);
        HostCommands.ip("link", "set", host, "addrgenmode", "none");
        HostCommands.ip("-n", namespace, "link", "set", "eth0", "addrgenmode", "none");
        HostCommands.ip("-n", namespace, "link", "set", "lo", "up");
        HostCommands.ip("-n", namespace, "addr", "add", plan.addressWithLength(), "dev", "eth0");
        HostCommands.ip("-n", namespace, "link", "set", "eth0", "up");
        for (Inet4Address endpoint : plan.peerEndpoints()) {
            HostCommands.ip("-n", namespace, "route", "add", endpoint.getHostAddress() + "/32", "dev", "eth0");
        }
        Path etc = layout.etcDirectory(namespace);
        Files.createDirectories(etc);
        writePublic(etc.resolve("resolv.conf"), "# made by relaysim gateway --netns: the simulated Azure DNS of "
                + plan.vnet() + "\nnameserver " + plan.resolver().getHostAddress() + "\n");
    }

    /** Adds and removes endpoint addresses and peer routes; the rest of a network does not change. */
    private void update(VnetPlan old, VnetPlan plan) throws IOException {
        for (Inet4Address endpoint : old.endpoints()) {
            if (!plan.endpoints().contains(endpoint)) {
                HostCommands.ip("addr", "del", endpoint.getHostAddress() + "/32", "dev", plan.hostInterface());
            }
        }
        for (Inet4Address endpoint : plan.endpoints()) {
            if (!old.endpoints().contains(endpoint)) {
                HostCommands.ip("addr", "add", endpoint.getHostAddress() + "/32", "dev", plan.hostInterface());
            }
        }
        for (Inet4Address endpoint : old.peerEndpoints()) {
            if (!plan.peerEndpoints().contains(endpoint)) {
                HostCommands.ip("-n", plan.namespace(), "route", "del", endpoint.getHostAddress() + "/32");
            }
        }
        for (Inet4Address endpoint : plan.peerEndpoints()) {
            if (!old.peerEndpoints().contains(endpoint)) {
                HostCommands.ip("-n", plan.namespace(), "route", "add", endpoint.getHostAddress() + "/32", "dev",
                        "eth0");
            }
        }
    }

    /**
     * Refuses a subnet that overlaps a route the host already has (other than the default route): routing it to the
     * veth pair would take that traffic away from the host's own network.
     */
    private static void checkNoHostRouteOverlaps(VnetPlan plan) throws IOException {
        for (String line : HostCommands.ip("-4", "route", "show", "table", "main").split("\n")) {
            String destination = line.strip().split("\\s+")[0];
            if (destination.isEmpty() || destination.equals("default")) {
                continue;
            }
            Ipv4Prefix route;
            try {
                route = Ipv4Prefix.parse(destination.contains("/") ? destination : destination + "/32");
            } catch (IllegalArgumentException e) {
                continue; // a route type word (unreachable, blackhole, ...) first: not a plain route
            }
            if (route.overlaps(plan.subnet())) {
                throw new IOException("virtual network " + plan.vnet() + ": subnet " + plan.subnet()
                        + " overlaps the host's route '" + line.strip() + "'; give the network another prefix or "
                        + "remove that route");
            }
        }
    }

    private static boolean interfaceExists(String name) {
        try {
            HostCommands.ip("link", "show", "dev", name);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void writeOwnerMark(VnetPlan plan) throws IOException {
        ProcessHandle self = ProcessHandle.current();
        OwnerMark mark = new OwnerMark(self.pid(), processStart(self).map(Instant::toString).orElse(""),
                plan.namespace(), plan.hostInterface());
        createStateDirectory();
        writePublic(layout.ownerMark(plan.namespace()), JSON.writeValueAsString(mark));
    }

    /** Deletes the host interface (and with it its peer), the namespace, the resolver files and the mark. */
    private void remove(String namespace, String hostInterface) throws IOException {
        if (interfaceExists(hostInterface)) {
            HostCommands.ip("link", "del", hostInterface);
        }
        if (Files.exists(NETNS_RUN.resolve(namespace))) {
            HostCommands.ip("netns", "del", namespace);
        }
        Path etc = layout.etcDirectory(namespace);
        if (Files.isDirectory(etc)) {
            try (Stream<Path> files = Files.walk(etc)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
        Files.deleteIfExists(layout.ownerMark(namespace));
    }

    private static boolean isRunning(OwnerMark mark) {
        return ProcessHandle.of(mark.pid()).filter(ProcessHandle::isAlive)
                .filter(process -> processStart(process).map(Instant::toString).orElse("").equals(mark.processStart()))
                .isPresent();
    }

    private static Optional<Instant> processStart(ProcessHandle process) {
        return process.info().startInstant();
    }

    /** The state directory, readable by everyone: {@code vnet run} reads it as the invoking user too. */
    void createStateDirectory() throws IOException {
        Files.createDirectories(layout.stateDirectory());
        Files.setPosixFilePermissions(layout.stateDirectory(), PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Writes {@code file} atomically, readable by everyone. */
    static void writePublic(Path file, String text) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
