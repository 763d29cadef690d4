package com.openfiskal.contracts.tse;

import java.util.Map;
import java.util.Optional;

/** OIDs of TSE log messages (TSE.md §4) and the JDK signature for each supported algorithm. */
public final class TseAlgorithms {

    public static final String TRANSACTION_LOG = "0.4.0.127.0.7.3.7.1.1";
    public static final String SYSTEM_LOG = "0.4.0.127.0.7.3.7.1.2";
    public static final String AUDIT_LOG = "0.4.0.127.0.7.3.7.1.3";

    public static final String ECDSA_PLAIN_SHA256 = "0.4.0.127.0.7.1.1.4.1.3";
    public static final String ECDSA_PLAIN_SHA384 = "0.4.0.127.0.7.1.1.4.1.4";

    /** An algorithm by its OID: DSFinV-K / QR name, JDK signature name (plain r‖s), signature length in bytes. */
    public record Algorithm(String oid, String name, String jdkSignature, int signatureLength) {}

    private static final Map<String, Algorithm> BY_OID = Map.of(
            "0.4.0.127.0.7.1.1.4.1.2",
            new Algorithm("0.4.0.127.0.7.1.1.4.1.2", "ecdsa-plain-SHA224", "SHA224withECDSAinP1363Format", 0),
            ECDSA_PLAIN_SHA256,
            new Algorithm(ECDSA_PLAIN_SHA256, "ecdsa-plain-SHA256", "SHA256withECDSAinP1363Format", 64),
            ECDSA_PLAIN_SHA384,
            new Algorithm(ECDSA_PLAIN_SHA384, "ecdsa-plain-SHA384", "SHA384withECDSAinP1363Format", 96),
            "0.4.0.127.0.7.1.1.4.1.5",
            new Algorithm("0.4.0.127.0.7.1.1.4.1.5", "ecdsa-plain-SHA512", "SHA512withECDSAinP1363Format", 0));

    private TseAlgorithms() {}

    public static Optional<Algorithm> byOid(String oid) {
        return Optional.ofNullable(BY_OID.get(oid));
    }

    /** By the name receipts and exports print, e.g. {@code ecdsa-plain-SHA256}. */
    public static Optional<Algorithm> byName(String name) {
        return BY_OID.values().stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /** Dotted OID from its DER content octets. */
    static String oid(byte[] content) {
        StringBuilder sb = new StringBuilder();
        int first = content[0] & 0xFF;
        sb.append(first / 40).append('.').append(first % 40);
        long value = 0;
        for (int i = 1; i < content.length; i++) {
            int b = content[i] & 0xFF;
            value = (value << 7) | (b & 0x7F);
            if ((b & 0x80) == 0) {
                sb.append('.').append(value);
                value = 0;
            }
        }
        return sb.toString();
    }

    /** DER content octets of a dotted OID. */
    static byte[] oidContent(String dotted) {
        String[] parts = dotted.split("\\.");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(Integer.parseInt(parts[0]) * 40 + Integer.parseInt(parts[1]));
        for (int i = 2; i < parts.length; i++) {
            long v = Long.parseLong(parts[i]);
            byte[] tmp = new byte[10];
            int n = 0;
            do {
                tmp[n++] = (byte) (v & 0x7F);
                v >>= 7;
            } while (v > 0);
            for (int j = n - 1; j >= 0; j--) {
                out.write(tmp[j] | (j > 0 ? 0x80 : 0));
            }
        }
        return out.toByteArray();
    }
}
