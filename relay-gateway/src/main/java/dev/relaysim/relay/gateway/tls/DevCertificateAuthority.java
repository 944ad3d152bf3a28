package dev.relaysim.relay.gateway.tls;

import dev.relaysim.relay.common.tls.PemCertificates;
import dev.relaysim.relay.common.tls.SslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.NetUtil;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A development certificate authority kept in a data directory, and the server certificate it
 * issued for the gateway.
 *
 * <p>The CA (EC P-256, 10 years, {@code basicConstraints CA:true}, {@code keyCertSign | cRLSign})
 * is created once and reused on every later run, so a client told to trust {@link #caCertificatePem()}
 * keeps trusting the gateway. The server certificate (EC P-256, 825 days, EKU {@code serverAuth})
 * carries the requested DNS names and IP addresses as SANs; it is reused while it still covers
 * them, was issued by the stored CA and stays valid for at least another day, and reissued otherwise.
 *
 * <p>Files are written atomically (a temporary file in the same directory, then a move), keys
 * readable by the owner only where the file system supports POSIX permissions. Processes and
 * threads that share a directory take turns through a lock file.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class DevCertificateAuthority {

    /** A host name, optionally a wildcard ({@code *.example.com}); labels of letters, digits, '-' and '_'. */
    private static final Pattern DNS_NAME =
            Pattern.compile("(\\*\\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*");
    private static final Logger logger = LoggerFactory.getLogger(DevCertificateAuthority.class);

    static final String CA_CERTIFICATE_FILE = "ca.pem";
    static final String CA_KEY_FILE = "ca-key.pem";
    static final String SERVER_CERTIFICATE_FILE = "server.pem";
    static final String SERVER_KEY_FILE = "server-key.pem";
    static final String TRUSTSTORE_FILE = "truststore.p12";
    private static final String LOCK_FILE = ".tls.lock";

    private static final String TRUSTSTORE_PASSWORD = "relaysim";
    private static final String TRUSTSTORE_ALIAS = "relaysim-dev-ca";
    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration SERVER_VALIDITY = Duration.ofDays(825);
    /** Certificates start an hour in the past so that a peer whose clock lags a little accepts them. */
    private static final Duration BACKDATE = Duration.ofHours(1);
    /** A stored certificate that expires sooner than this is replaced. */
    private static final Duration MIN_REMAINING_VALIDITY = Duration.ofDays(1);

    private static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> PUBLIC_FILE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private static final int SAN_DNS_NAME = 2;
    private static final int SAN_IP_ADDRESS = 7;

    /** Serializes callers in this JVM; the file lock serializes processes (and cannot be taken twice by one JVM). */
    private static final Object JVM_LOCK = new Object();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;
    private final X509Certificate caCertificate;
    private final X509Certificate serverCertificate;
    private final PrivateKey serverKey;

    private DevCertificateAuthority(Path directory, X509Certificate caCertificate,
                                    X509Certificate serverCertificate, PrivateKey serverKey) {
        this.directory = directory;
        this.caCertificate = caCertificate;
        this.serverCertificate = serverCertificate;
        this.serverKey = serverKey;
    }

    /**
     * Loads the CA from {@code directory} or creates it, and issues a server certificate whose SANs
     * cover {@code dnsNames} and {@code ipAddresses}, reusing the stored one while it still covers
     * them and is valid for at least a day. Creates the directory if needed.
     *
     * @param dnsNames host names such as {@code localhost}, compared ignoring case
     * @param ipAddresses IPv4 or IPv6 literals such as {@code 127.0.0.1} or {@code ::1}
     * @throws IllegalArgumentException if no name is given, or a name or address is malformed
     * @throws IOException if the directory cannot be read or written, or holds a CA certificate
     *         without its key (delete both to start over)
     */
    public static DevCertificateAuthority loadOrCreate(Path directory, Collection<String> dnsNames,
                                                       Collection<String> ipAddresses) throws IOException {
        requireNonNull(directory, "directory");
        Set<String> names = normalizeDnsNames(requireNonNull(dnsNames, "dnsNames"));
        Set<InetAddress> addresses = parseIpAddresses(requireNonNull(ipAddresses, "ipAddresses"));
        if (names.isEmpty() && addresses.isEmpty()) {
            throw new IllegalArgumentException("dnsNames, ipAddresses: both empty (expected: at least one name)");
        }
        createDirectory(directory);
        synchronized (JVM_LOCK) {
            try (FileChannel lockChannel = FileChannel.open(directory.resolve(LOCK_FILE),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                lockChannel.lock(); // released when the channel closes
                return loadOrCreateLocked(directory.toAbsolutePath(), names, addresses);
            } catch (GeneralSecurityException | OperatorCreationException e) {
                throw new IOException("cannot create TLS material in " + directory + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * {@code ca.pem}: the CA certificate to give clients ({@code NODE_EXTRA_CA_CERTS},
     * {@link SslContexts#forClient(Path)}).
     */
    public Path caCertificatePem() {
        return directory.resolve(CA_CERTIFICATE_FILE);
    }

    /** {@code truststore.p12}: a PKCS#12 trust store holding the CA, password {@link #truststorePassword()}. */
    public Path truststore() {
        return directory.resolve(TRUSTSTORE_FILE);
    }

    /** The password of {@link #truststore()}: {@code relaysim}. */
    public String truststorePassword() {
        return TRUSTSTORE_PASSWORD;
    }

    public X509Certificate caCertificate() {
        return caCertificate;
    }

    /**
     * The content of {@link #caCertificatePem()}: the CA certificate in PEM, for handing it out without the file
     * (the management server's {@code GET /relaysim/ca.pem}).
     */
    public byte[] caCertificatePemBytes() {
        try {
            return pem("CERTIFICATE", caCertificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("the CA certificate cannot be encoded: " + e.getMessage(), e);
        }
    }

    /** The server certificate that {@link #newServerSslContext()} presents, as stored in {@code server.pem}. */
    public X509Certificate serverCertificate() {
        return serverCertificate;
    }

    /**
     * A new server {@code SslContext} (TLS 1.2 and 1.3, no ALPN) presenting the server certificate. It has no SNI
     * mapping, so it serves that certificate whatever the client sends: no SNI, an IP literal or a name it does not
     * know. Its engine is BoringSSL (netty-tcnative) where it loads, which encrypts at several times the JDK's speed
     * and is what makes TLS relaying cheap; else the JDK's.
     */
    public SslContext newServerSslContext() {
        try {
            return SslContextBuilder.forServer(serverKey, serverCertificate)
                    .sslProvider(SslContexts.provider())
                    .protocols(SslContexts.PROTOCOLS)
                    .build();
        } catch (SSLException e) {
            throw new UncheckedIOException("cannot build the server SslContext from " + directory, e);
        }
    }

    @Override
    public String toString() {
        return "DevCertificateAuthority(" + directory + ", CA " + caCertificate.getSubjectX500Principal().getName()
                + ", server SANs " + subjectAlternativeNames(serverCertificate) + ')';
    }

    private static DevCertificateAuthority loadOrCreateLocked(Path directory, Set<String> names,
                                                              Set<InetAddress> addresses)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        Instant now = Instant.now();
        Path caFile = directory.resolve(CA_CERTIFICATE_FILE);
        Path caKeyFile = directory.resolve(CA_KEY_FILE);

        X509Certificate ca = null;
        PrivateKey caKey = null;
        if (Files.exists(caFile)) {
            if (!Files.exists(caKeyFile)) {
                throw new IOException(caFile + " exists without " + caKeyFile
                        + " (expected: both; delete " + caFile + " to create a new CA)");
            }
            ca = readCertificate(caFile);
            caKey = readPrivateKey(caKeyFile);
            if (!matches(caKey, ca.getPublicKey())) {
                throw new IOException(caKeyFile + ": not the key of " + caFile
                        + " (expected: the matching key; delete both to create a new CA)");
            }
            if (!validFor(ca, now)) {
                logger.warn("Development CA {} expires on {}; creating a new one: clients must trust the new {}",
                        caFile, ca.getNotAfter().toInstant(), caFile);
                ca = null;
            }
        }
        boolean newCa = ca == null;
        if (newCa) {
            KeyPair caPair = newKeyPair();
            ca = issueCa(caPair, now);
            caKey = caPair.getPrivate();
            writeAtomically(caKeyFile, pem("PRIVATE KEY", caKey.getEncoded()), true);
            writeAtomically(caFile, pem("CERTIFICATE", ca.getEncoded()), false);
            logger.info("Created development CA {} (valid until {}); trust it with NODE_EXTRA_CA_CERTS={} or "
                    + "-Djavax.net.ssl.trustStore={}", caFile, ca.getNotAfter().toInstant(), caFile,
                    directory.resolve(TRUSTSTORE_FILE));
        }
        ensureTruststore(directory.resolve(TRUSTSTORE_FILE), ca);

        Path serverFile = directory.resolve(SERVER_CERTIFICATE_FILE);
        Path serverKeyFile = directory.resolve(SERVER_KEY_FILE);
        if (!newCa && Files.exists(serverFile) && Files.exists(serverKeyFile)) {
            String reason;
            try {
                X509Certificate stored = readCertificate(serverFile);
                PrivateKey storedKey = readPrivateKey(serverKeyFile);
                reason = reissueReason(stored, storedKey, ca, names, addresses, now);
                if (reason == null) {
                    return new DevCertificateAuthority(directory, ca, stored, storedKey);
                }
            } catch (IOException | GeneralSecurityException e) {
                reason = "it cannot be read: " + e.getMessage();
            }
            logger.info("Reissuing the server certificate {}: {}", serverFile, reason);
        }
        KeyPair serverPair = newKeyPair();
        X509Certificate server = issueServer(serverPair.getPublic(), ca, caKey, names, addresses, now);
        writeAtomically(serverKeyFile, pem("PRIVATE KEY", serverPair.getPrivate().getEncoded()), true);
        writeAtomically(serverFile, pem("CERTIFICATE", server.getEncoded()), false);
        logger.info("Issued server certificate {} for {} (valid until {})", serverFile,
                subjectAlternativeNames(server), server.getNotAfter().toInstant());
        return new DevCertificateAuthority(directory, ca, server, serverPair.getPrivate());
    }

    /** Why a stored server certificate cannot be reused, or {@code null} if it can. */
    private static String reissueReason(X509Certificate stored, PrivateKey storedKey, X509Certificate ca,
                                        Set<String> names, Set<InetAddress> addresses, Instant now)
            throws GeneralSecurityException {
        if (!stored.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
            return "issued by " + stored.getIssuerX500Principal().getName() + ", not by the stored CA";
        }
        try {
            stored.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            return "not signed by the stored CA";
        }
        if (!matches(storedKey, stored.getPublicKey())) {
            return "the key file does not match it";
        }
        if (!validFor(stored, now)) {
            return "it expires on " + stored.getNotAfter().toInstant();
        }
        Set<String> storedNames = new LinkedHashSet<>();
        Set<InetAddress> storedAddresses = new LinkedHashSet<>();
        sanEntries(stored, storedNames, storedAddresses);
        if (!storedNames.containsAll(names) || !storedAddresses.containsAll(addresses)) {
            return "its SANs " + subjectAlternativeNames(stored) + " do not cover " + describe(names, addresses);
        }
        return null;
    }

    private static boolean validFor(X509Certificate certificate, Instant now) {
        return !certificate.getNotBefore().toInstant().isAfter(now)
               && certificate.getNotAfter().toInstant().isAfter(now.plus(MIN_REMAINING_VALIDITY));
    }

    /** Whether {@code privateKey} belongs to {@code publicKey}: signs a probe and verifies it. */
    private static boolean matches(PrivateKey privateKey, PublicKey publicKey) throws GeneralSecurityException {
        if (!privateKey.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        String algorithm = "EC".equals(publicKey.getAlgorithm())
                ? SIGNATURE_ALGORITHM : "SHA256with" + publicKey.getAlgorithm();
        byte[] probe = "relaysim key check".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(privateKey);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(publicKey);
        verifier.update(probe);
        return verifier.verify(signature);
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static X509Certificate issueCa(KeyPair pair, Instant now)
            throws GeneralSecurityException, OperatorCreationException, CertIOException {
        BigInteger serial = newSerial();
        X500Name subject = new X500Name("CN=relaysim development CA " + shortId(serial) + ", O=relaysim");
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                subject, serial, Date.from(now.minus(BACKDATE)), Date.from(now.plus(CA_VALIDITY)),
                subject, pair.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false,
                        extensions.createSubjectKeyIdentifier(pair.getPublic()));
        return sign(builder, pair.getPrivate(), pair.getPublic());
    }

    private static X509Certificate issueServer(PublicKey serverKey, X509Certificate ca, PrivateKey caKey,
                                               Set<String> names, Set<InetAddress> addresses, Instant now)
            throws GeneralSecurityException, OperatorCreationException, CertIOException {
        List<GeneralName> sans = new ArrayList<>();
        for (String name : names) {
            sans.add(new GeneralName(GeneralName.dNSName, name));
        }
        for (InetAddress address : addresses) {
            sans.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(address.getAddress())));
        }
        String commonName = names.isEmpty() ? addresses.iterator().next().getHostAddress() : names.iterator().next();
        Instant notAfter = now.plus(SERVER_VALIDITY);
        if (notAfter.isAfter(ca.getNotAfter().toInstant())) {
            notAfter = ca.getNotAfter().toInstant();
        }
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                ca, newSerial(), Date.from(now.minus(BACKDATE)), Date.from(notAfter),
                new X500Name("CN=" + commonName + ", O=relaysim"), serverKey)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                .addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(sans.toArray(new GeneralName[0])))
                .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(serverKey))
                .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(ca));
        return sign(builder, caKey, ca.getPublicKey());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey,
                                        PublicKey issuerPublicKey)
            throws GeneralSecurityException, OperatorCreationException {
        X509Certificate certificate = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(issuerKey)));
        certificate.verify(issuerPublicKey);
        return certificate;
    }

    private static BigInteger newSerial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static String shortId(BigInteger serial) {
        byte[] bytes = serial.toByteArray();
        return HexFormat.of().formatHex(bytes, Math.max(0, bytes.length - 4), bytes.length);
    }

    private static void ensureTruststore(Path file, X509Certificate ca) throws IOException, GeneralSecurityException {
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                KeyStore existing = KeyStore.getInstance("PKCS12");
                existing.load(in, TRUSTSTORE_PASSWORD.toCharArray());
                Certificate stored = existing.getCertificate(TRUSTSTORE_ALIAS);
                if (ca.equals(stored) && existing.size() == 1) {
                    return;
                }
            } catch (IOException | GeneralSecurityException e) {
                logger.info("Rewriting {}: {}", file, e.toString());
            }
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry(TRUSTSTORE_ALIAS, ca);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.store(out, TRUSTSTORE_PASSWORD.toCharArray());
        writeAtomically(file, out.toByteArray(), false);
    }

    static X509Certificate readCertificate(Path file) throws IOException {
        return PemCertificates.readFirst(file);
    }

    private static PrivateKey readPrivateKey(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            if (!(object instanceof PrivateKeyInfo)) {
                throw new IOException(file + ": " + (object == null ? "empty" : object.getClass().getSimpleName())
                        + " (expected: a PKCS#8 PRIVATE KEY block)");
            }
            return new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) object);
        }
    }

    private static byte[] pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Writes a temporary file next to {@code target} (owner-only from the start), then moves it over the target. */
    private static void writeAtomically(Path target, byte[] content, boolean secret) throws IOException {
        Path directory = target.getParent();
        Path temp = Files.createTempFile(directory, "." + target.getFileName() + '-', ".tmp");
        try {
            if (supportsPosix(directory)) {
                Files.setPosixFilePermissions(temp, PRIVATE_FILE);
            }
            Files.write(temp, content, StandardOpenOption.TRUNCATE_EXISTING);
            if (!secret && supportsPosix(directory)) {
                Files.setPosixFilePermissions(temp, PUBLIC_FILE);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void createDirectory(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        Path parent = directory.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            if (parent != null && supportsPosix(parent)) {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY));
            } else {
                Files.createDirectory(directory);
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(directory)) {
                throw e;
            }
        }
    }

    private static boolean supportsPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static Set<String> normalizeDnsNames(Collection<String> dnsNames) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : dnsNames) {
            requireNonNull(name, "dnsNames element");
            String normalized = name.toLowerCase(Locale.ROOT);
            if (normalized.isEmpty() || !DNS_NAME.matcher(normalized).matches()) {
                throw new IllegalArgumentException("dnsNames: \"" + name
                        + "\" (expected: a host name such as localhost)");
            }
            if (NetUtil.isValidIpV4Address(normalized)) {
                throw new IllegalArgumentException("dnsNames: \"" + name
                        + "\" (expected: a host name; put IP literals into ipAddresses)");
            }
            names.add(normalized);
        }
        return names;
    }

    private static Set<InetAddress> parseIpAddresses(Collection<String> ipAddresses) {
        Set<InetAddress> addresses = new LinkedHashSet<>();
        for (String text : ipAddresses) {
            requireNonNull(text, "ipAddresses element");
            byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
            if (bytes == null) {
                throw new IllegalArgumentException("ipAddresses: \"" + text + "\" (expected: an IPv4 or IPv6 literal)");
            }
            addresses.add(toAddress(bytes));
        }
        return addresses;
    }

    private static InetAddress toAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("IP address of " + bytes.length + " bytes (expected: 4 or 16)", e);
        }
    }

    private static void sanEntries(X509Certificate certificate, Set<String> names, Set<InetAddress> addresses) {
        Collection<List<?>> entries;
        try {
            entries = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return;
        }
        if (entries == null) {
            return;
        }
        for (List<?> entry : entries) {
            int type = (Integer) entry.get(0);
            if (type == SAN_DNS_NAME) {
                names.add(((String) entry.get(1)).toLowerCase(Locale.ROOT));
            } else if (type == SAN_IP_ADDRESS) {
                byte[] bytes = NetUtil.createByteArrayFromIpAddressString((String) entry.get(1));
                if (bytes != null) {
                    addresses.add(toAddress(bytes));
                }
            }
        }
    }

    private static String subjectAlternativeNames(X509Certificate certificate) {
        Set<String> names = new LinkedHashSet<>();
        Set<InetAddress> addresses = new LinkedHashSet<>();
        sanEntries(certificate, names, addresses);
        return describe(names, addresses);
    }

    private static String describe(Set<String> names, Set<InetAddress> addresses) {
        List<String> all = new ArrayList<>();
        names.forEach(name -> all.add("DNS:" + name));
        addresses.forEach(address -> all.add("IP:" + address.getHostAddress()));
        return all.toString();
    }
}
