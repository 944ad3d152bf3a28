package dev.relaysim.relay.gateway.internal.netns;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code vnets.json} in the state directory: what a running {@code gateway --netns} made, for {@code vnet list|run|
 * shell} (which may run as another user and in another JVM).
 *
 * @param gatewayPid the gateway's process id
 * @param vnets      the virtual networks, in configuration order
 * @param caBundle   the system's CAs and the development CA (PEM)
 * @param devCa      the development CA alone (PEM)
 * @param truststore the JDK's CAs and the development CA (PKCS#12, password {@code changeit})
 */
public record VnetsFile(long gatewayPid, List<Vnet> vnets, String caBundle, String devCa, String truststore) {

    /** The truststore's password: the JDK's own {@code cacerts} one, so that tools that assume it work. */
    public static final String TRUSTSTORE_PASSWORD = "changeit";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public VnetsFile {
        vnets = List.copyOf(vnets);
    }

    /**
     * One virtual network.
     *
     * @param address          the machine's address inside
     * @param resolver         the DNS server inside ({@code resolv.conf})
     * @param publicFrontEnd   where the network reaches the public endpoint (its subnet's default gateway address)
     * @param privateEndpoints addresses of the private endpoints in it
     * @param reaches          addresses of private endpoints of connected networks it reaches
     */
    public record Vnet(String name, String namespace, List<String> addressPrefixes, String subnet, String address,
                       String resolver, String publicFrontEnd, List<String> privateEndpoints, List<String> reaches) {

        /** The same network seen from another machine of it: its own namespace and address. */
        Vnet at(String machineNamespace, String machineAddress) {
            return new Vnet(name, machineNamespace, addressPrefixes, subnet, machineAddress, resolver, publicFrontEnd,
                    privateEndpoints, reaches);
        }

        static Vnet of(VnetPlan plan) {
            return new Vnet(plan.vnet(), plan.namespace(),
                    plan.addressPrefixes().stream().map(Object::toString).toList(),
                    plan.subnet().toString(), plan.address().getHostAddress(), plan.resolver().getHostAddress(),
                    plan.publicFrontEnd().getHostAddress(),
                    plan.endpoints().stream().map(Inet4Address::getHostAddress).toList(),
                    plan.peerEndpoints().stream().map(Inet4Address::getHostAddress).toList());
        }
    }

    /** The virtual network named {@code name} (ignoring case). */
    public Optional<Vnet> vnet(String name) {
        return vnets.stream().filter(vnet -> vnet.name().equalsIgnoreCase(name)).findFirst();
    }

    void write(Path file) throws IOException {
        VnetHost.writePublic(file, JSON.writeValueAsString(this));
    }

    /** The file, or empty when no {@code gateway --netns} runs with this state directory. */
    static Optional<VnetsFile> read(Path file) throws IOException {
        try {
            return Optional.of(JSON.readValue(Files.readString(file), VnetsFile.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }
}
