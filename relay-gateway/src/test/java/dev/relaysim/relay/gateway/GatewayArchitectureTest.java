package dev.relaysim.relay.gateway;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The gateway's package structure (docs/architecture.md, "Gateway packages"): the public surface an embedding user
 * needs, everything else under {@code internal}, and no package cycles. Main classes only.
 */
class GatewayArchitectureTest {

    private static final String GATEWAY = "dev.relaysim.relay.gateway";
    private static final String INTERNAL = GATEWAY + ".internal..";
    /** The public surface: the server and its addresses, the commands, settings, values they use, embedding. */
    private static final String[] PUBLIC_PACKAGES = {GATEWAY, GATEWAY + ".cli", GATEWAY + ".config",
        GATEWAY + ".network", GATEWAY + ".tls", GATEWAY + ".embedded", GATEWAY + ".management.cli"};
    /** Public packages of settings and values: an embedding user reaches no internal type through them. */
    private static final String[] VALUE_PACKAGES = {GATEWAY + ".config..", GATEWAY + ".network..",
        GATEWAY + ".tls..", GATEWAY + ".embedded..", GATEWAY + ".management.cli.."};

    private static JavaClasses gateway;

    @BeforeAll
    static void importGateway() {
        // The rules look at the gateway's own classes; scanning and resolving the libraries takes half a minute.
        ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
        gateway = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS).importPackages(GATEWAY);
    }

    @Test
    void gatewayPackagesAreFreeOfCycles() {
        slices().assignedFrom(new EachPackageASlice()).should().beFreeOfCycles().check(gateway);
    }

    @Test
    void everyClassIsInThePublicSurfaceOrInternal() {
        String[] allowed = new String[PUBLIC_PACKAGES.length + 1];
        System.arraycopy(PUBLIC_PACKAGES, 0, allowed, 0, PUBLIC_PACKAGES.length);
        allowed[PUBLIC_PACKAGES.length] = INTERNAL;
        classes().should().resideInAnyPackage(allowed)
                .because("a new package is internal unless an embedding user needs it").check(gateway);
    }

    @Test
    void settingsAndValuesDoNotDependOnInternals() {
        noClasses().that().resideInAnyPackage(VALUE_PACKAGES)
                .should().dependOnClassesThat().resideInAPackage(INTERNAL)
                .because("an embedding user's settings and values must not drag the gateway's internals in")
                .check(gateway);
    }

    @Test
    void internalsDoNotDependOnTheCommandsNorTheEmbeddingHelpers() {
        noClasses().that().resideInAPackage(INTERNAL)
                .should().dependOnClassesThat().resideInAnyPackage(GATEWAY + ".cli..", GATEWAY + ".embedded..")
                .because("the commands and the embedding helpers are built on the internals, not the reverse")
                .check(gateway);
    }

    /**
     * One slice per package, the root package included (ArchUnit's {@code matching("..gateway.(**)")} leaves it
     * out).
     */
    private static final class EachPackageASlice implements SliceAssignment {

        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String name = javaClass.getPackageName();
            return name.startsWith(GATEWAY) ? SliceIdentifier.of(name) : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "each package of " + GATEWAY;
        }
    }
}
