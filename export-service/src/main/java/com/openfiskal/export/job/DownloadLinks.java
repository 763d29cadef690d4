package com.openfiskal.export.job;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed download URLs (API.md §9.5): {@code signature} = hex HMAC-SHA-256(secret, "<id>\n<expires>"),
 * compared in constant time; during a rotation the previous secret is accepted too.
 */
@ApplicationScoped
public class DownloadLinks {

    private final ExportConfig config;

    public DownloadLinks(ExportConfig config) {
        this.config = config;
    }

    public String url(String exportId, Instant expires) {
        long e = expires.getEpochSecond();
        return config.publicUrl().replaceAll("/+$", "") + "/v1/exports/" + exportId + "/download?expires=" + e
                + "&signature=" + sign(config.downloadSecret(), exportId, e);
    }

    /** True when the signature was made by the current or the previous secret for this id and expiry. */
    public boolean valid(String exportId, long expires, String signatureHex) {
        byte[] given;
        try {
            given = HexFormat.of().parseHex(signatureHex);
        } catch (IllegalArgumentException e) {
            return false;
        }
        boolean ok =
                MessageDigest.isEqual(given, HexFormat.of().parseHex(sign(config.downloadSecret(), exportId, expires)));
        Optional<String> previous = config.downloadSecretPrevious().filter(s -> !s.isBlank());
        if (previous.isPresent()) {
            ok |= MessageDigest.isEqual(given, HexFormat.of().parseHex(sign(previous.get(), exportId, expires)));
        }
        return ok;
    }

    static String sign(String secret, String exportId, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((exportId + "\n" + expires).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
