package dev.relaysim.relay.gateway.internal.netns;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;

import static java.util.Objects.requireNonNull;

/**
 * Where {@code gateway --netns} puts things and how it names them: network namespace {@code <prefix><vnet>}, host
 * end of its veth pair {@code rs<8 hex digits>} (interface names have at most 15 characters), its resolver file
 * {@code /etc/netns/<namespace>/resolv.conf}, and the state directory with the owner marks, {@code vnets.json} and
 * the trust files. The prefix ({@code RELAYSIM_NETNS_PREFIX}, default {@value #DEFAULT_PREFIX}) and the state
 * directory ({@code RELAYSIM_NETNS_DIR}, default {@value #DEFAULT_STATE_DIRECTORY}) are settable so that test runs
 * never meet a user's gateway.
 */
record VnetLayout(String prefix, Path stateDirectory, Path netnsEtc) {

    static final String DEFAULT_PREFIX = "relaysim-";
    static final String DEFAULT_STATE_DIRECTORY = "/run/relaysim/netns";
    static final String PREFIX_ENV = "RELAYSIM_NETNS_PREFIX";
    static final String STATE_DIRECTORY_ENV = "RELAYSIM_NETNS_DIR";
    private static final int MAX_NAMESPACE_NAME = 64;

    VnetLayout {
        requireNonNull(prefix, "prefix");
        requireNonNull(stateDirectory, "stateDirectory");
        requireNonNull(netnsEtc, "netnsEtc");
        if (!prefix.matches("[a-z0-9][a-z0-9-]{0,39}")) {
            throw new IllegalArgumentException(PREFIX_ENV + ": \"" + prefix
                    + "\" (expected: lower-case letters, digits and dashes, at most 40)");
        }
    }

    /** From {@code RELAYSIM_NETNS_PREFIX} and {@code RELAYSIM_NETNS_DIR}, else the defaults. */
    static VnetLayout fromEnvironment(Map<String, String> environment) {
        String prefix = environment.getOrDefault(PREFIX_ENV, "");
        String directory = environment.getOrDefault(STATE_DIRECTORY_ENV, "");
        return new VnetLayout(prefix.isBlank() ? DEFAULT_PREFIX : prefix.strip(),
                Path.of(directory.isBlank() ? DEFAULT_STATE_DIRECTORY : directory.strip()).toAbsolutePath(),
                Path.of("/etc/netns"));
    }

    /** The network namespace of virtual network {@code vnet}. */
    String namespace(String vnet) {
        String name = prefix + vnet.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        if (name.length() > MAX_NAMESPACE_NAME) {
            throw new IllegalArgumentException("virtualNetworks: \"" + vnet + "\" (expected: a name short enough for a "
                    + "network namespace name, " + MAX_NAMESPACE_NAME + " characters with the prefix)");
        }
        return name;
    }

    /** The host end of the namespace's veth pair: {@code rs} and a hash of the namespace name. */
    static String hostInterface(String namespace) {
        CRC32 crc = new CRC32();
        crc.update(namespace.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return String.format(Locale.ROOT, "rs%08x", crc.getValue());
    }

    /** {@code /etc/netns/<namespace>}: {@code ip netns exec} mounts the files there over {@code /etc}. */
    Path etcDirectory(String namespace) {
        return netnsEtc.resolve(namespace);
    }

    /** The owner mark of a namespace: written before the namespace is made, removed after it is gone. */
    Path ownerMark(String namespace) {
        return stateDirectory.resolve(namespace + ".owner");
    }

    /** What {@code vnet list|run|shell} read: the virtual networks and their addresses. */
    Path vnetsFile() {
        return stateDirectory.resolve("vnets.json");
    }

    /** The system's CA certificates and the development CA in one PEM file. */
    Path caBundle() {
        return stateDirectory.resolve("ca-bundle.pem");
    }

    /** The development CA alone ({@code NODE_EXTRA_CA_CERTS}, {@code RELAYSIM_CA}). */
    Path devCa() {
        return stateDirectory.resolve("relaysim-ca.pem");
    }

    /** The JDK's trusted CAs and the development CA in one PKCS#12 trust store. */
    Path truststore() {
        return stateDirectory.resolve("truststore.p12");
    }
}
