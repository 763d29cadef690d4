package com.openfiskal.contracts.auth;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * API keys {@code of_{environment}_{country}_{random}} (API.md §2.1): issuing, parsing and the keyed hash
 * that is all the platform ever stores. The same pepper is configured in all three services, because two
 * of them check keys against a replicated copy of the hashes.
 */
public final class ApiKeys {

    private static final Pattern FORMAT = Pattern.compile("^of_(test|live)_([a-z]{3})_([A-Za-z0-9]{16,128})$");
    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {}

    /** A well-formed key's parts. */
    public record Parsed(String environment, String country, String displayPrefix) {}

    public static Optional<Parsed> parse(String key) {
        if (key == null) {
            return Optional.empty();
        }
        Matcher m = FORMAT.matcher(key);
        if (!m.matches()) {
            return Optional.empty();
        }
        String prefix = "of_" + m.group(1) + "_" + m.group(2) + "_" + m.group(3).substring(0, 4) + "…";
        return Optional.of(new Parsed(m.group(1), m.group(2).toUpperCase(), prefix));
    }

    /** A new key: 32 base62 characters from a CSPRNG, about 190 bits. */
    public static String issue(String environment, String countryAlpha3) {
        StringBuilder sb = new StringBuilder("of_")
                .append(environment)
                .append('_')
                .append(countryAlpha3.toLowerCase())
                .append('_');
        for (int i = 0; i < 32; i++) {
            sb.append(BASE62[RANDOM.nextInt(BASE62.length)]);
        }
        return sb.toString();
    }

    /** Lowercase hex HMAC-SHA-256 of the whole key under the pepper. */
    public static String hash(String pepper, String key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(pepper.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA-256 unavailable", e);
        }
    }

    /** Constant-time comparison of two hex hashes. */
    public static boolean sameHash(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return java.security.MessageDigest.isEqual(
                a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }
}
