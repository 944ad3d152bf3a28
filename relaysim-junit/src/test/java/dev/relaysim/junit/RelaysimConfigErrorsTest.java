package dev.relaysim.junit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;

/** A misconfigured @RelaysimTest fails its class before any test runs, with a message naming the value. */
@Timeout(60)
class RelaysimConfigErrorsTest {

    @Test
    void aHybridConnectionInAnUnknownNamespace() {
        assertThat(EngineRuns.classFailure(UnknownNamespace.class))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@RelaysimTest on " + UnknownNamespace.class.getName()
                        + ": hybridConnections[1].namespace: "
                        + "\"nowhere\" (expected: one of namespaces [sandbox])");
    }

    @Test
    void anInvalidNamespaceName() {
        assertThat(EngineRuns.classFailure(InvalidNamespaceName.class)).hasMessageContaining("namespaces[0]: ")
                .hasMessageContaining("bad name!");
    }

    @Test
    void aMissingConfigResource() {
        assertThat(EngineRuns.classFailure(MissingResource.class)).hasMessageEndingWith(": config: "
                + "\"relaysim/missing.json\" (expected: a resource on the test class path, such as "
                + "src/test/resources/relaysim/missing.json)");
    }

    @Test
    void anInvalidValueInTheConfigFile() {
        assertThat(EngineRuns.classFailure(BrokenFile.class)).hasMessageContaining("config \"relaysim/broken.json\": ")
                .hasMessageContaining("rendezvousTimeout").hasMessageContaining("soon");
    }

    @Test
    void aConfigFileTogetherWithNamespaces() {
        assertThat(EngineRuns.classFailure(FileAndAttributes.class)).hasMessageEndingWith(": config: "
                + "\"relaysim/private-link.json\" together with namespaces or hybridConnections (expected: one or the "
                + "other; the file declares its namespaces)");
    }

    @Test
    void anAddressOutsideLoopback() {
        assertThat(EngineRuns.classFailure(NotLoopback.class)).hasMessageEndingWith(": address: \"10.1.2.3\" "
                + "(expected: an IPv4 address in 127.0.0.0/8 outside 127.0.0.0/16, such as 127.42.0.1)");
    }

    @Test
    void aRendezvousRangeTooLarge() {
        assertThat(EngineRuns.classFailure(HugeRange.class)).hasMessageContaining("rendezvousPorts: ")
                .hasMessageContaining("9400-9999");
    }

    @RelaysimTest(namespaces = "sandbox", hybridConnections = {@HybridConnection("echo"),
            @HybridConnection(value = "orders", namespace = "nowhere")})
    static class UnknownNamespace {
        @Test
        void never() {
        }
    }

    @RelaysimTest(namespaces = "bad name!")
    static class InvalidNamespaceName {
        @Test
        void never() {
        }
    }

    @RelaysimTest(config = "relaysim/missing.json")
    static class MissingResource {
        @Test
        void never() {
        }
    }

    @RelaysimTest(config = "relaysim/broken.json")
    static class BrokenFile {
        @Test
        void never() {
        }
    }

    @RelaysimTest(config = "relaysim/private-link.json", namespaces = "sandbox")
    static class FileAndAttributes {
        @Test
        void never() {
        }
    }

    @RelaysimTest(address = "10.1.2.3")
    static class NotLoopback {
        @Test
        void never() {
        }
    }

    @RelaysimTest(rendezvousPorts = "9400-9999")
    static class HugeRange {
        @Test
        void never() {
        }
    }
}
