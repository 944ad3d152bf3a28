package dev.relaysim.relay.common.auth;

import dev.relaysim.relay.common.protocol.EntityPaths;
import dev.relaysim.relay.common.protocol.PercentCodec;
import io.netty.util.concurrent.FastThreadLocal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static java.util.Objects.requireNonNull;

/**
 * Creates, signs and verifies SAS tokens the way every Azure Relay SDK does: HMAC-SHA256 keyed with the key's
 * UTF-8 bytes (the key is not base64-decoded) over {@code <sr as sent> + "\n" + <se>}, base64-encoded.
 */
public final class SharedAccessSignature {

    private static final String HMAC_SHA256 = "HmacSHA256";
    /** Keys whose initialized {@link Mac} each thread keeps; a namespace has a handful of rules, each two keys. */
    private static final int CACHED_KEYS_PER_THREAD = 16;
    /**
     * Per thread, an initialized {@code Mac} per recently used key: {@code Mac.getInstance} (a provider lookup) and
     * {@code init} (two SHA-256 blocks of key padding) cost more than the HMAC of a token's short string to sign,
     * and verifying runs once per connection on an event loop. {@code doFinal} leaves a {@code Mac} ready for the
     * same key again; a {@code Mac} is not thread-safe, hence one per thread.
     */
    private static final FastThreadLocal<Map<String, Mac>> MACS = new FastThreadLocal<>() {
        @Override
        protected Map<String, Mac> initialValue() {
            return new LinkedHashMap<>(CACHED_KEYS_PER_THREAD * 2, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Mac> eldest) {
                    return size() > CACHED_KEYS_PER_THREAD;
                }
            };
        }
    };

    private SharedAccessSignature() {
    }

    /**
     * {@code base64(HMAC-SHA256(key as UTF-8, stringToSign))}.
     *
     * @throws IllegalArgumentException if {@code key} is empty
     */
    public static String sign(String key, String stringToSign) {
        return Base64.getEncoder().encodeToString(hmac(key, stringToSign));
    }

    /**
     * {@code SharedAccessSignature sr=<enc(resourceUri)>&sig=<enc(sig)>&se=<epoch seconds>&skn=<enc(keyName)>}, with
     * upper-case hex percent-encoding of everything but RFC 3986 unreserved characters.
     *
     * @throws IllegalArgumentException if {@code resourceUri} is empty, {@code keyName} is empty or longer than 256
     *                                  characters, {@code key} is empty, or {@code expiresAt} is before 1970
     */
    public static String createToken(String resourceUri, String keyName, String key, Instant expiresAt) {
        requireNonNull(resourceUri, "resourceUri");
        requireNonNull(keyName, "keyName");
        requireNonNull(expiresAt, "expiresAt");
        if (resourceUri.isEmpty()) {
            // SasToken.parse refuses an empty sr; a token it cannot read must not be made.
            throw new IllegalArgumentException("resourceUri: empty (expected: the URI the token is for)");
        }
        if (keyName.isEmpty() || keyName.length() > SasToken.MAX_KEY_NAME_LENGTH) {
            throw new IllegalArgumentException("keyName: " + keyName.length() + " characters (expected: 1-"
                    + SasToken.MAX_KEY_NAME_LENGTH + ")");
        }
        if (expiresAt.getEpochSecond() < 0) {
            throw new IllegalArgumentException("expiresAt: " + expiresAt + " (expected: 1970 or later)");
        }
        String resource = PercentCodec.encode(resourceUri);
        String expiry = Long.toString(expiresAt.getEpochSecond());
        String signature = sign(key, resource + "\n" + expiry);
        return SasToken.SCHEME + " sr=" + resource + "&sig=" + PercentCodec.encode(signature) + "&se=" + expiry
                + "&skn=" + PercentCodec.encode(keyName);
    }

    /**
     * Whether {@code token}'s signature was made with {@code key}, compared in constant time. The signature must be
     * the base64 text of the HMAC, its {@code '='} padding optional; another spelling of the same bytes (the unused
     * low bits of the last character set) is refused, so that no changed token verifies. Expiry, key name and
     * audience are not checked here.
     *
     * @throws IllegalArgumentException if {@code key} is empty
     */
    public static boolean verify(SasToken token, String key) {
        requireNonNull(token, "token");
        byte[] expected = Base64.getEncoder().encode(hmac(key, token.stringToSign()));
        StringBuilder given = new StringBuilder(token.signature());
        while (given.length() % 4 != 0) {
            given.append('=');
        }
        return MessageDigest.isEqual(expected, given.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The .NET SDK's audience for an entity: {@code http://<host lower-case>/<entityPath>/}. Leading and trailing
     * {@code '/'} of {@code entityPath} are dropped; an empty one gives the namespace audience {@code http://host/}.
     */
    public static String audienceFor(String host, String entityPath) {
        requireNonNull(host, "host");
        requireNonNull(entityPath, "entityPath");
        String path = EntityPaths.trimSlashes(entityPath);
        return "http://" + host.toLowerCase(Locale.ROOT) + "/" + (path.isEmpty() ? "" : path + "/");
    }

    private static byte[] hmac(String key, String stringToSign) {
        requireNonNull(key, "key");
        requireNonNull(stringToSign, "stringToSign");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key: empty (expected: 1-256 characters)");
        }
        Map<String, Mac> macs = MACS.get();
        Mac mac = macs.get(key);
        if (mac == null) {
            mac = newMac(key);
            macs.put(key, mac);
        }
        return mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8));
    }

    private static Mac newMac(String key) {
        try {
            Mac mac = Mac.getInstance(HMAC_SHA256);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), HMAC_SHA256));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
